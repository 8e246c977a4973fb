import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * The session cookie is HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site
 * subresource requests or POSTs) and Secure whenever the server is reached over HTTPS. State-
 * changing requests authenticated by it must also carry the CSRF token (X-CSRF-Token).
 */
export const SESSION_COOKIE = 'oversight_session';

export function setSessionCookie(c: Context, token: string, expiresAt: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

export function sessionTokenFrom(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}
