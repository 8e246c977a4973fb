import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { useAsync, usePageTitle } from '../app/use-async.ts';
import {
  Card,
  EmptyState,
  ErrorNotice,
  PageHeader,
  Skeleton,
  StatusBadge,
  TierBadge,
} from '../components/ui.tsx';
import { formatDate } from '../lib/format.ts';
import { CRITICALITY_LABELS } from '../lib/labels.ts';

/** The vendor portal's start page: the API scopes every list to the user's own vendor. */
export function VendorHome() {
  const { api, organization, user } = useSession();
  usePageTitle('Overview');
  const data = useAsync(
    async (signal) => {
      const [vendors, engagements, systems] = await Promise.all([
        api.vendors.list({ limit: 10 }, { signal }),
        api.engagements.list({ limit: 50 }, { signal }),
        api.systems.list({ limit: 50 }, { signal }),
      ]);
      return { vendors: vendors.items, engagements: engagements.items, systems: systems.items };
    },
    [api],
  );
  const d = data.data;
  return (
    <>
      <PageHeader
        eyebrow="Vendor portal"
        title={`Your work for ${organization.name}`}
        description={`Signed in as ${user.name}. You see only your own company's records; ${organization.name} staff remain accountable for each of them.`}
      />
      {data.status === 'error' ? <ErrorNotice error={data.error} onRetry={data.reload} /> : null}
      <div className="grid grid--2">
        <Card title="Your vendor profile">
          {!d ? (
            <Skeleton lines={3} />
          ) : d.vendors.length === 0 ? (
            <EmptyState>No vendor profile is linked to your account.</EmptyState>
          ) : (
            <ul className="item-list">
              {d.vendors.map((v) => (
                <li key={v.id}>
                  <Link to={`/vendors/${v.id}`}>{v.legalName}</Link>
                  <span className="item-list__meta">
                    Criticality {CRITICALITY_LABELS[v.criticality]} · DPA{' '}
                    {v.dpaSigned ? `signed ${formatDate(v.dpaSignedAt)}` : 'not signed'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Your engagements" actions={<Link to="/engagements">All</Link>}>
          {!d ? (
            <Skeleton lines={3} />
          ) : d.engagements.length === 0 ? (
            <EmptyState>No engagements yet.</EmptyState>
          ) : (
            <ul className="item-list">
              {d.engagements.map((e) => (
                <li key={e.id}>
                  <Link to={`/engagements/${e.id}`}>{e.title}</Link>
                  <span className="item-list__meta">
                    {formatDate(e.startDate)} – {e.endDate ? formatDate(e.endDate) : 'open-ended'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="AI systems you supply or work on" actions={<Link to="/systems">All</Link>}>
          {!d ? (
            <Skeleton lines={3} />
          ) : d.systems.length === 0 ? (
            <EmptyState>No AI systems are linked to your company.</EmptyState>
          ) : (
            <ul className="item-list">
              {d.systems.map((s) => (
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
      </div>
    </>
  );
}
