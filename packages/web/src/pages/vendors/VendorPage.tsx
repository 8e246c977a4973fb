import { useState } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { History, TransferDialog } from '../../components/ownership.tsx';
import { UserName } from '../../components/people.tsx';
import {
  Badge,
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
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { CRITICALITY_LABELS } from '../../lib/labels.ts';
import { CRITICALITY_TONES } from './VendorsPage.tsx';

export function VendorPage({ params }: { params: Record<string, string> }) {
  const id = params['id'] ?? '';
  const { api, canChange } = useSession();
  const vendor = useAsync((signal) => api.vendors.get(id, { signal }), [api, id]);
  const related = useAsync(
    async (signal) => {
      const [systems, engagements] = await Promise.all([
        api.systems.list({ vendorId: id, limit: 50 }, { signal }),
        api.engagements.list({ vendorId: id, limit: 50 }, { signal }),
      ]);
      return { systems: systems.items, engagements: engagements.items };
    },
    [api, id],
  );
  const [transferring, setTransferring] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [version, setVersion] = useState(0);
  const v = vendor.data;
  usePageTitle(v?.legalName ?? 'Vendor');

  return (
    <>
      <PageHeader
        back={{ to: '/vendors', label: 'Vendors' }}
        eyebrow="Vendor"
        title={v?.legalName ?? (vendor.status === 'error' ? 'Vendor' : 'Loading…')}
        description={
          v ? (
            <span className="badges">
              <Badge tone={CRITICALITY_TONES[v.criticality]}>
                {CRITICALITY_LABELS[v.criticality]} criticality
              </Badge>{' '}
              {v.dpaSigned ? (
                <Badge tone="success-soft">DPA signed</Badge>
              ) : (
                <Badge tone="warning">No signed DPA</Badge>
              )}{' '}
              {v.public ? <Badge>On the trust portal</Badge> : null}
            </span>
          ) : undefined
        }
        actions={
          v && canChange(v.ownerId) ? (
            <>
              <Link className="button button--secondary" to={`/vendors/${v.id}/edit`}>
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
      {vendor.status === 'error' ? <ErrorNotice error={vendor.error} onRetry={vendor.reload} /> : null}
      {notice ? <Notice>{notice}</Notice> : null}
      {!v || (!related.data && related.status === 'loading') ? (
        vendor.status === 'error' ? null : (
          <Skeleton lines={12} />
        )
      ) : (
        <>
          <div className="grid grid--main-side">
            <Card title="About">
              <Details
                items={[
                  [
                    'Contact',
                    <>
                      {v.contactName} · <a href={`mailto:${v.contactEmail}`}>{v.contactEmail}</a>
                    </>,
                  ],
                  [
                    'Data processing agreement',
                    v.dpaSigned
                      ? `Signed${v.dpaSignedAt ? ` on ${formatDate(v.dpaSignedAt)}` : ''}`
                      : 'Not signed',
                  ],
                  ['Data locations', v.dataLocations.join(', ') || <span className="muted">Not stated</span>],
                  ['Accountable owner', <UserName id={v.ownerId} />],
                  ['Shown on the public trust portal', v.public ? 'Yes' : 'No'],
                  ['Registered', formatDateTime(v.createdAt)],
                  ['Last changed', formatDateTime(v.updatedAt)],
                ]}
              />
            </Card>
            <Card title="Sub-processors">
              {v.subProcessors.length === 0 ? (
                <EmptyState>No sub-processors declared.</EmptyState>
              ) : (
                <ul className="item-list">
                  {v.subProcessors.map((p, i) => (
                    <li key={i}>
                      <strong>{p.name}</strong>
                      <span className="item-list__meta">
                        {p.location}
                        {p.purpose ? ` · ${p.purpose}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
          <div className="grid grid--2">
            <Card title="AI systems supplied">
              {related.status === 'error' ? (
                <ErrorNotice error={related.error} onRetry={related.reload} />
              ) : !related.data ? (
                <Skeleton lines={2} />
              ) : related.data.systems.length === 0 ? (
                <EmptyState>No AI system is linked to this vendor.</EmptyState>
              ) : (
                <ul className="item-list">
                  {related.data.systems.map((s) => (
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
            <Card title="Engagements">
              {related.status === 'error' ? null : !related.data ? (
                <Skeleton lines={2} />
              ) : related.data.engagements.length === 0 ? (
                <EmptyState>No engagements with this vendor.</EmptyState>
              ) : (
                <ul className="item-list">
                  {related.data.engagements.map((e) => (
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
          </div>
          <History kind="vendor" id={v.id} version={version} />
          <TransferDialog
            kind="vendor"
            id={v.id}
            currentOwnerId={v.ownerId}
            open={transferring}
            onClose={() => setTransferring(false)}
            onDone={() => {
              setTransferring(false);
              setNotice('Ownership transferred.');
              vendor.reload();
              setVersion((n) => n + 1);
            }}
          />
        </>
      )}
    </>
  );
}
