// A small history-API router: real paths, links that stay in the page, and per-entry state
// (used to remember pagination cursors when coming back to a list).
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

export type Location = { path: string; search: string; state: unknown; key: number };
type NavigateOptions = { replace?: boolean; state?: unknown };
type Router = { location: Location; navigate: (to: string, options?: NavigateOptions) => void };

const RouterContext = createContext<Router | null>(null);
let counter = 0;

function readLocation(): Location {
  return {
    path: window.location.pathname,
    search: window.location.search,
    state: window.history.state as unknown,
    key: ++counter,
  };
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const onPop = () => setLocation(readLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, options: NavigateOptions = {}) => {
    const url = new URL(to, window.location.href);
    const samePage = url.pathname === window.location.pathname;
    if (options.replace) window.history.replaceState(options.state ?? null, '', url);
    else window.history.pushState(options.state ?? null, '', url);
    setLocation(readLocation());
    if (!options.replace && !samePage) window.scrollTo(0, 0);
  }, []);
  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext value={value}>{children}</RouterContext>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

export function useNavigate() {
  return useRouter().navigate;
}

/** Query parameters of the current URL and a setter that replaces them (keeping the path). */
export function useSearchParams(): [
  URLSearchParams,
  (values: Record<string, string | undefined>, state?: unknown) => void,
] {
  const { location, navigate } = useRouter();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const set = useCallback(
    (values: Record<string, string | undefined>, state?: unknown) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      navigate(`${window.location.pathname}${qs ? `?${qs}` : ''}`, { replace: true, state });
    },
    [navigate],
  );
  return [params, set];
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An anchor that navigates inside the app; modified clicks (new tab, etc.) behave as usual. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/** A navigation link that marks itself as the current page. */
export function NavLink({ to, exact, children, ...rest }: LinkProps & { exact?: boolean }) {
  const { location } = useRouter();
  const active = exact ? location.path === to : location.path === to || location.path.startsWith(`${to}/`);
  return (
    <Link to={to} aria-current={active ? 'page' : undefined} {...rest}>
      {children}
    </Link>
  );
}
