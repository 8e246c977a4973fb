import { useState } from 'react';
import { useSystems, useVendors } from '../../app/lookups.ts';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { History, TransferDialog } from '../../components/ownership.tsx';
import { UserName } from '../../components/people.tsx';
import {
  Card,
  Details,
  EmptyState,
  ErrorNotice,
  Notice,
  PageHeader,
  Skeleton,
  StatusBadge,
  TierBadge,
} from '../../components/ui.tsx';
import { daysUntil, formatDate, formatDateTime, todayUtc } from '../../lib/format.ts';

export function EngagementPage({ params }: { params: Record<string, string> }) {
  const id = params['id'] ?? '';
  const { api, canChange } = useSession();
  const engagement = useAsync((signal) => api.engagements.get(id, { signal }), [api, id]);
  const vendors = useVendors();
  const systems = useSystems();
  const [transferring, setTransferring] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [version, setVersion] = useState(0);
  const e = engagement.data;
  usePageTitle(e?.title ?? 'Engagement');
  const today = todayUtc();
  const left = e?.endDate ? daysUntil(e.endDate, today) : undefined;

  return (
    <>
      <PageHeader
        back={{ to: '/engagements', label: 'Engagements' }}
        eyebrow="Engagement"
        title={e?.title ?? (engagement.status === 'error' ? 'Engagement' : 'Loading…')}
        description={
          e ? (
            <>
              {formatDate(e.startDate)} – {e.endDate ? formatDate(e.endDate) : 'open-ended'}
              {left !== undefined
                ? left < 0
                  ? ' · ended'
                  : ` · ${left === 0 ? 'ends today' : `${left} days left`}`
                : ''}
            </>
          ) : undefined
        }
        actions={
          e && canChange(e.ownerId) ? (
            <>
              <Link className="button button--secondary" to={`/engagements/${e.id}/edit`}>
                Edit
              </Link>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => setTransferring(true)}
              >
                Transfer ownership
              </button>
            </>
          ) : null
        }
      />
      {engagement.status === 'error' ? (
        <ErrorNotice error={engagement.error} onRetry={engagement.reload} />
      ) : null}
      {notice ? <Notice>{notice}</Notice> : null}
      {!e || systems.loading ? (
        engagement.status === 'error' ? null : (
          <Skeleton lines={10} />
        )
      ) : (
        <>
          <div className="grid grid--main-side">
            <Card title="About">
              <Details
                items={[
                  ['Task', e.task || <span className="muted">Not described</span>],
                  [
                    'Vendor',
                    <Link to={`/vendors/${e.vendorId}`}>
                      {vendors.byId.get(e.vendorId)?.legalName ?? 'Vendor'}
                    </Link>,
                  ],
                  ['Accountable owner', <UserName id={e.ownerId} />],
                  ['Start', formatDate(e.startDate)],
                  ['End', e.endDate ? formatDate(e.endDate) : 'Open-ended'],
                  ['Registered', formatDateTime(e.createdAt)],
                  ['Last changed', formatDateTime(e.updatedAt)],
                ]}
              />
            </Card>
            <Card title="AI systems used">
              {e.systemIds.length === 0 ? (
                <EmptyState>No AI systems are used in this engagement.</EmptyState>
              ) : systems.loading ? (
                <Skeleton lines={2} />
              ) : (
                <ul className="item-list">
                  {e.systemIds.map((sid) => {
                    const s = systems.byId.get(sid);
                    return (
                      <li key={sid}>
                        <Link to={`/systems/${sid}`}>{s?.name ?? sid}</Link>
                        {s ? (
                          <span className="item-list__meta">
                            <StatusBadge status={s.status} /> <TierBadge tier={s.riskTier} />
                          </span>
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
              )}
            </Card>
          </div>
          <History kind="engagement" id={e.id} version={version} />
          <TransferDialog
            kind="engagement"
            id={e.id}
            currentOwnerId={e.ownerId}
            open={transferring}
            onClose={() => setTransferring(false)}
            onDone={() => {
              setTransferring(false);
              setNotice('Ownership transferred.');
              engagement.reload();
              setVersion((n) => n + 1);
            }}
          />
        </>
      )}
    </>
  );
}
