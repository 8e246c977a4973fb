// Routes of the dashboard and of the public trust portal, and the login gate between them.
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { findRoute, safeNextPath, type RouteParams } from '../lib/routes.ts';
import { Skeleton } from '../components/ui.tsx';
import { DirectoryProvider } from './directory.tsx';
import { Layout } from './Layout.tsx';
import { useRouter } from './router.tsx';
import { SessionProvider, useSession, useSessionContext } from './session.tsx';
import { LoginPage } from '../pages/LoginPage.tsx';
import { HomePage } from '../pages/HomePage.tsx';
import { SystemsPage } from '../pages/systems/SystemsPage.tsx';
import { SystemPage } from '../pages/systems/SystemPage.tsx';
import { SystemFormPage } from '../pages/systems/SystemFormPage.tsx';
import { VendorsPage } from '../pages/vendors/VendorsPage.tsx';
import { VendorPage } from '../pages/vendors/VendorPage.tsx';
import { VendorFormPage } from '../pages/vendors/VendorFormPage.tsx';
import { EngagementsPage } from '../pages/engagements/EngagementsPage.tsx';
import { EngagementPage } from '../pages/engagements/EngagementPage.tsx';
import { EngagementFormPage } from '../pages/engagements/EngagementFormPage.tsx';
import { UsersPage } from '../pages/users/UsersPage.tsx';
import { UserPage } from '../pages/users/UserPage.tsx';
import { UserFormPage } from '../pages/users/UserFormPage.tsx';
import { ApiKeysPage } from '../pages/ApiKeysPage.tsx';
import { NotFoundPage, NotAllowedPage } from '../pages/NotFoundPage.tsx';

// Rarely used or heavy pages load on demand: the wizard carries the questionnaire (and, through
// the contract, zod), the ledger page its verifier, the portal is for customers only.
const ClassifyPage = lazy(() => import('../pages/systems/ClassifyPage.tsx'));
const LedgerPage = lazy(() => import('../pages/ledger/LedgerPage.tsx'));
const TrustEditorPage = lazy(() => import('../pages/trust/TrustEditorPage.tsx'));
const PublicTrustPage = lazy(() => import('../pages/trust/PublicTrustPage.tsx'));

type Access = 'all' | 'staff' | 'writer' | 'admin';
type PageProps = { params: RouteParams };
type RouteDef = { path: string; page: ComponentType<PageProps>; access: Access };

const ROUTES: RouteDef[] = [
  { path: '/', page: HomePage, access: 'all' },
  { path: '/systems', page: SystemsPage, access: 'all' },
  { path: '/systems/new', page: SystemFormPage, access: 'writer' },
  { path: '/systems/:id', page: SystemPage, access: 'all' },
  { path: '/systems/:id/edit', page: SystemFormPage, access: 'writer' },
  { path: '/systems/:id/classify', page: ClassifyPage, access: 'all' },
  { path: '/vendors', page: VendorsPage, access: 'all' },
  { path: '/vendors/new', page: VendorFormPage, access: 'writer' },
  { path: '/vendors/:id', page: VendorPage, access: 'all' },
  { path: '/vendors/:id/edit', page: VendorFormPage, access: 'writer' },
  { path: '/engagements', page: EngagementsPage, access: 'all' },
  { path: '/engagements/new', page: EngagementFormPage, access: 'writer' },
  { path: '/engagements/:id', page: EngagementPage, access: 'all' },
  { path: '/engagements/:id/edit', page: EngagementFormPage, access: 'writer' },
  { path: '/users', page: UsersPage, access: 'staff' },
  { path: '/users/new', page: UserFormPage, access: 'admin' },
  { path: '/users/:id', page: UserPage, access: 'staff' },
  { path: '/ledger', page: LedgerPage, access: 'staff' },
  { path: '/settings/api-keys', page: ApiKeysPage, access: 'all' },
  { path: '/settings/trust', page: TrustEditorPage, access: 'admin' },
];

export function Root() {
  const { location } = useRouter();
  if (location.path.startsWith('/trust/')) {
    return (
      <Suspense fallback={<div className="portal-loading" />}>
        <PublicTrustPage
          slug={decodeURIComponent(location.path.slice('/trust/'.length).replace(/\/$/, ''))}
        />
      </Suspense>
    );
  }
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

function Gate() {
  const { state } = useSessionContext();
  const { location, navigate } = useRouter();
  const onLogin = location.path === '/login';

  useEffect(() => {
    if (state.status === 'anonymous' && !onLogin) {
      const next = `${location.path}${location.search}`;
      navigate(`/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`, { replace: true });
    }
    if (state.status === 'active' && onLogin) {
      navigate(safeNextPath(new URLSearchParams(location.search).get('next')), { replace: true });
    }
  }, [state.status, onLogin, location.path, location.search, navigate]);

  if (state.status === 'checking') return <AppSkeleton />;
  if (state.status === 'anonymous') return onLogin ? <LoginPage expired={state.expired} /> : <AppSkeleton />;
  if (onLogin) return <AppSkeleton />;
  return (
    <DirectoryProvider>
      <Layout>
        <RoutedPage />
      </Layout>
    </DirectoryProvider>
  );
}

function allowed(access: Access, role: string): boolean {
  if (access === 'all') return true;
  if (access === 'staff') return role !== 'vendor';
  if (access === 'writer') return role === 'admin' || role === 'owner';
  return role === 'admin';
}

function RoutedPage() {
  const { location } = useRouter();
  const { user } = useSession();
  const match = findRoute(ROUTES, location.path);
  if (!match) return <NotFoundPage />;
  if (!allowed(match.route.access, user.role)) return <NotAllowedPage />;
  const Page = match.route.page;
  return (
    <Suspense fallback={<Skeleton lines={6} />}>
      <Page key={`${match.route.path}|${match.params['id'] ?? ''}`} params={match.params} />
    </Suspense>
  );
}

/** The frame's shape while the session is checked, so nothing jumps when it appears. */
function AppSkeleton() {
  return (
    <div className="app" aria-busy="true">
      <div className="topbar" />
      <div className="shell">
        <div className="sidebar" />
        <div className="main">
          <Skeleton lines={6} />
        </div>
      </div>
    </div>
  );
}
