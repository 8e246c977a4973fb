import type { OverviewView, SystemView } from '@oversight/contract';
import { lazy, Suspense, useMemo } from 'react';
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { useAsync, usePageTitle } from '../app/use-async.ts';
import { LedgerEntryList } from '../components/ownership.tsx';
import { UserName } from '../components/people.tsx';
import {
  Card,
  EmptyState,
  ErrorNotice,
  PageHeader,
  Skeleton,
  StatusBadge,
  TierBadge,
} from '../components/ui.tsx';
import { countByStatusAndTier, STATUS_KEYS, TIER_KEYS, tierLabel } from '../lib/chart-data.ts';
import { addDays, daysUntil, formatDate, todayUtc } from '../lib/format.ts';
import { SYSTEM_STATUS_LABELS } from '../lib/labels.ts';
import { VendorHome } from './VendorHome.tsx';

const SystemsChart = lazy(() => import('../components/SystemsChart.tsx'));

type Overview = OverviewView & { partial?: boolean };

/** All pages of a list, up to a bound: the chart counts every system. */
async function allSystems(api: ApiClient, signal: AbortSignal): Promise<SystemView[]> {
  const out: SystemView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 25; i++) {
    const page = await api.systems.list({ limit: 200, cursor }, { signal });
    out.push(...page.items);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** Builds the attention lists from the list endpoints when the server has no /v1/overview yet. */
async function overviewFromLists(api: ApiClient, me: string, signal: AbortSignal): Promise<Overview> {
  const today = todayUtc();
  const o = { signal };
  const [unclassified, mine, ending, noDpa, systems, vendors, engagements, live] = await Promise.all([
    api.systems.list({ riskTier: 'unclassified', limit: 20 }, o),
    api.systems.list({ ownerId: me, status: 'proposed', limit: 20 }, o),
    api.engagements.list({ endingBefore: addDays(today, 31), limit: 50 }, o),
    api.vendors.list({ dpaSigned: false, limit: 20 }, o),
    api.systems.list({ limit: 1 }, o),
    api.vendors.list({ limit: 1 }, o),
    api.engagements.list({ limit: 1 }, o),
    api.systems.list({ status: 'live', limit: 1 }, o),
  ]);
  return {
    partial: true,
    counts: {
      systems: systems.total,
      vendors: vendors.total,
      engagements: engagements.total,
      liveSystems: live.total,
    },
    systemsNeedingClassification: unclassified.items.filter((s) => s.status !== 'retired'),
    awaitingMySignOff: mine.items.filter((s) => s.riskTier !== null),
    engagementsEndingSoon: ending.items.filter((e) => e.endDate !== null && e.endDate >= today),
    vendorsWithoutDpa: noDpa.items.map((v) => ({ id: v.id, legalName: v.legalName, ownerId: v.ownerId })),
    recentActivity: [],
  };
}

export function HomePage() {
  const { isStaff } = useSession();
  return isStaff ? <StaffHome /> : <VendorHome />;
}

function StaffHome() {
  usePageTitle('What needs attention');
  const { api, user } = useSession();
  const overview = useAsync<Overview>(
    (signal) =>
      api.overview({ signal }).catch((e: unknown) => {
        if (e instanceof ApiError && e.code === 'NOT_FOUND') return overviewFromLists(api, user.id, signal);
        throw e;
      }),
    [api, user.id],
  );
  const systems = useAsync((signal) => allSystems(api, signal), [api]);
  const o = overview.data;
  const today = todayUtc();

  return (
    <>
      <PageHeader
        title="What needs your attention"
        description={`Hello ${user.name.replace(/\s*\(.*\)$/, '')}. Open items across the registry, newest activity last.`}
      />
      {overview.status === 'error' ? <ErrorNotice error={overview.error} onRetry={overview.reload} /> : null}
      {/* Everything below appears at once, so no card pushes another down while loading. */}
      {o === undefined ? (
        overview.status === 'error' ? null : (
          <Skeleton lines={16} label="Loading what needs attention…" />
        )
      ) : (
        <>
          <ul className="stats" aria-label="Totals">
            <Stat label="AI systems" value={o?.counts.systems} to="/systems" />
            <Stat label="Live AI systems" value={o?.counts.liveSystems} to="/systems?status=live" />
            <Stat label="Vendors" value={o?.counts.vendors} to="/vendors" />
            <Stat label="Engagements" value={o?.counts.engagements} to="/engagements" />
          </ul>

          <div className="grid grid--2">
            <Card
              title="AI systems without a risk classification"
              actions={<Link to="/systems?riskTier=unclassified">All</Link>}
            >
              {o === undefined ? (
                <Skeleton lines={3} />
              ) : o.systemsNeedingClassification.length === 0 ? (
                <EmptyState>Every AI system has an EU AI Act risk tier.</EmptyState>
              ) : (
                <ul className="item-list">
                  {o.systemsNeedingClassification.map((s) => (
                    <li key={s.id}>
                      <Link to={`/systems/${s.id}`}>{s.name}</Link>
                      <span className="item-list__meta">
                        <StatusBadge status={s.status} /> Owner: <UserName id={s.ownerId} />
                      </span>
                      <Link
                        className="item-list__action"
                        to={`/systems/${s.id}/classify`}
                        aria-label={`Classify ${s.name}`}
                      >
                        Classify
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </Card>

            <Card title="Awaiting your sign-off">
              {o === undefined ? (
                <Skeleton lines={3} />
              ) : o.awaitingMySignOff.length === 0 ? (
                <EmptyState>Nothing waits for your approval.</EmptyState>
              ) : (
                <ul className="item-list">
                  {o.awaitingMySignOff.map((s) => (
                    <li key={s.id}>
                      <Link to={`/systems/${s.id}`}>{s.name}</Link>
                      <span className="item-list__meta">
                        <StatusBadge status={s.status} /> <TierBadge tier={s.riskTier} />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>

            <Card
              title="Engagements ending in the next 30 days"
              actions={<Link to={`/engagements?endingBefore=${addDays(today, 31)}`}>All</Link>}
            >
              {o === undefined ? (
                <Skeleton lines={3} />
              ) : o.engagementsEndingSoon.length === 0 ? (
                <EmptyState>No engagement ends in the next 30 days.</EmptyState>
              ) : (
                <ul className="item-list">
                  {o.engagementsEndingSoon.map((e) => {
                    const days = e.endDate ? daysUntil(e.endDate, today) : undefined;
                    return (
                      <li key={e.id}>
                        <Link to={`/engagements/${e.id}`}>{e.title}</Link>
                        <span className="item-list__meta">
                          Ends {formatDate(e.endDate)}
                          {days !== undefined
                            ? ` (${days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`})`
                            : ''}{' '}
                          · Owner: <UserName id={e.ownerId} />
                        </span>
                      </li>
                    );
                  })}
                </ul>
              )}
            </Card>

            <Card
              title="Vendors without a signed DPA"
              actions={<Link to="/vendors?dpaSigned=false">All</Link>}
            >
              {o === undefined ? (
                <Skeleton lines={3} />
              ) : o.vendorsWithoutDpa.length === 0 ? (
                <EmptyState>Every vendor has signed a data processing agreement.</EmptyState>
              ) : (
                <ul className="item-list">
                  {o.vendorsWithoutDpa.map((v) => (
                    <li key={v.id}>
                      <Link to={`/vendors/${v.id}`}>{v.legalName}</Link>
                      <span className="item-list__meta">
                        Owner: <UserName id={v.ownerId} />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>

          <div className="grid grid--2">
            <Card title="AI systems by status and risk tier">
              <SystemsChartPanel systems={systems} />
            </Card>
            <Card title="Recent activity" actions={<Link to="/ledger">Ledger</Link>}>
              {o === undefined ? (
                <Skeleton lines={5} />
              ) : o.partial ? (
                <EmptyState>Recent activity needs a newer server (GET /v1/overview).</EmptyState>
              ) : o.recentActivity.length === 0 ? (
                <EmptyState>Nothing recorded yet.</EmptyState>
              ) : (
                <LedgerEntryList entries={o.recentActivity.slice(0, 10)} />
              )}
            </Card>
          </div>
        </>
      )}
    </>
  );
}

function Stat({ label, value, to }: { label: string; value: number | undefined; to: string }) {
  return (
    <li className="stat">
      <Link to={to} className="stat__link">
        <span className="stat__value">{value ?? '–'}</span>
        <span className="stat__label">{label}</span>
      </Link>
    </li>
  );
}

function SystemsChartPanel({ systems }: { systems: ReturnType<typeof useAsync<SystemView[]>> }) {
  const counts = useMemo(
    () => (systems.data ? countByStatusAndTier(systems.data) : undefined),
    [systems.data],
  );
  if (systems.status === 'error') return <ErrorNotice error={systems.error} onRetry={systems.reload} />;
  if (!counts || !systems.data)
    return (
      <div className="chart chart--placeholder">
        <Skeleton lines={1} label="Loading chart…" />
      </div>
    );
  if (systems.data.length === 0) return <EmptyState>No AI systems registered yet.</EmptyState>;
  const summary = `Stacked bar chart of ${systems.data.length} AI systems by status and risk tier. ${STATUS_KEYS.map(
    (s, i) => `${SYSTEM_STATUS_LABELS[s]}: ${TIER_KEYS.reduce((n, t) => n + (counts[t][i] ?? 0), 0)}`,
  ).join(', ')}. The table below lists every value.`;
  return (
    <>
      <Suspense fallback={<div className="chart chart--placeholder" />}>
        <SystemsChart counts={counts} summary={summary} />
      </Suspense>
      <details className="chart-table">
        <summary>Show the numbers as a table</summary>
        <div className="table-wrap">
          <table className="table table--compact">
            <caption className="visually-hidden">AI systems by risk tier (rows) and status (columns)</caption>
            <thead>
              <tr>
                <th scope="col">Risk tier</th>
                {STATUS_KEYS.map((s) => (
                  <th scope="col" key={s} className="num">
                    {SYSTEM_STATUS_LABELS[s]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {TIER_KEYS.map((t) => (
                <tr key={t}>
                  <th scope="row">{tierLabel(t)}</th>
                  {counts[t].map((n, i) => (
                    <td key={i} className="num">
                      {n}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
