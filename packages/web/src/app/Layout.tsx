// The dashboard frame: skip link, top bar with organisation (and DEMO badge) and user menu,
// main navigation, and focus moved to the page heading after every in-app navigation.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ROLE_LABELS } from '../lib/labels.ts';
import { Link, NavLink, useRouter } from './router.tsx';
import { useSession, useSessionContext } from './session.tsx';

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { location } = useRouter();
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Announce the new page by moving focus to its heading, as a full page load would.
    const h1 = document.querySelector<HTMLElement>('main h1');
    h1?.focus({ preventScroll: true });
  }, [location.path]);

  const { isStaff, isAdmin, organization } = session;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <div className="topbar__brand">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true" />
            Oversight
          </Link>
          <span className="topbar__org">
            {organization.name}
            {organization.demo ? (
              <span className="badge badge--demo" title="Demonstration data — not a real organisation">
                DEMO
              </span>
            ) : null}
          </span>
        </div>
        <UserMenu />
      </header>
      <div className="shell">
        <nav className="sidebar" aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" exact>
                {isStaff ? 'What needs attention' : 'Overview'}
              </NavLink>
            </li>
            <li className="sidebar__group">Registry</li>
            <li>
              <NavLink to="/systems">AI systems</NavLink>
            </li>
            <li>
              {isStaff || !session.user.vendorId ? (
                <NavLink to="/vendors">{isStaff ? 'Vendors' : 'Our vendor profile'}</NavLink>
              ) : (
                <NavLink to={`/vendors/${session.user.vendorId}`}>Our vendor profile</NavLink>
              )}
            </li>
            <li>
              <NavLink to="/engagements">Engagements</NavLink>
            </li>
            {isStaff ? (
              <li>
                <NavLink to="/users">People</NavLink>
              </li>
            ) : null}
            {isStaff ? (
              <>
                <li className="sidebar__group">Accountability</li>
                <li>
                  <NavLink to="/ledger">Ledger</NavLink>
                </li>
              </>
            ) : null}
            {isAdmin ? (
              <li>
                <NavLink to="/settings/trust">Trust portal</NavLink>
              </li>
            ) : null}
            <li className="sidebar__group">Account</li>
            <li>
              <NavLink to="/settings/api-keys">My API keys</NavLink>
            </li>
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/** A disclosure menu: Enter/Space opens it, Escape closes it and returns focus to the button. */
function UserMenu() {
  const { user } = useSession();
  const { logout } = useSessionContext();
  const { navigate } = useRouter();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!wrapRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div
      className="user-menu"
      ref={wrapRef}
      onBlur={(e) => {
        if (!wrapRef.current?.contains(e.relatedTarget)) setOpen(false);
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="user-menu__name">
          {user.name}
          <span className="user-menu__role">{ROLE_LABELS[user.role]}</span>
        </span>
        <span aria-hidden="true" className="user-menu__caret">
          ▾
        </span>
      </button>
      <ul id={menuId} className="user-menu__list" hidden={!open}>
        <li className="user-menu__email">{user.email}</li>
        <li>
          <Link to="/settings/api-keys" onClick={() => setOpen(false)}>
            My API keys
          </Link>
        </li>
        <li>
          <button
            type="button"
            onClick={() => {
              setOpen(false);
              void logout().then(() => navigate('/login', { replace: true }));
            }}
          >
            Log out
          </button>
        </li>
      </ul>
    </div>
  );
}

function initials(name: string): string {
  const parts = name
    .replace(/\(.*?\)/g, '')
    .trim()
    .split(/\s+/);
  return (
    (parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')
  ).toUpperCase();
}
