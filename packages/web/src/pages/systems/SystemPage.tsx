import type { SystemView } from '@oversight/contract';
import { useState } from 'react';
import { useVendors } from '../../app/lookups.ts';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { LifecycleDialog, type LifecycleAction } from '../../components/LifecycleDialog.tsx';
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
import {
  keysOf,
  RISK_TIER_EXPLANATIONS,
  SYSTEM_KIND_LABELS,
  SYSTEM_STATUS_LABELS,
} from '../../lib/labels.ts';

export function SystemPage({ params }: { params: Record<string, string> }) {
  const id = params['id'] ?? '';
  const { api, canChange, user } = useSession();
  const system = useAsync((signal) => api.systems.get(id, { signal }), [api, id]);
  const [version, setVersion] = useState(0);
  const classification = useAsync((signal) => api.systems.classification(id, { signal }), [api, id, version]);
  const engagements = useAsync(
    (signal) => api.engagements.list({ systemId: id, limit: 50 }, { signal }),
    [api, id],
  );
  const vendors = useVendors();
  const [action, setAction] = useState<LifecycleAction>();
  const [transferring, setTransferring] = useState(false);
  const [notice, setNotice] = useState<string>();
  const s = system.data;
  usePageTitle(s?.name ?? 'AI system');

  const updated = (next: SystemView, message: string) => {
    system.setData(next);
    setVersion((v) => v + 1);
    setNotice(message);
  };

  return (
    <>
      <PageHeader
        back={{ to: '/systems', label: 'AI systems' }}
        eyebrow="AI system"
        title={s?.name ?? (system.status === 'error' ? 'AI system' : 'Loading…')}
        description={
          s ? (
            <span className="badges">
              <StatusBadge status={s.status} /> <TierBadge tier={s.riskTier} />{' '}
              {s.public ? <Badge>On the trust portal</Badge> : null}
            </span>
          ) : undefined
        }
        actions={
          s && canChange(s.ownerId) ? (
            <>
              {s.status !== 'retired' ? (
                <Link className="button button--secondary" to={`/systems/${s.id}/edit`}>
                  Edit
                </Link>
              ) : null}
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
      {system.status === 'error' ? <ErrorNotice error={system.error} onRetry={system.reload} /> : null}
      {notice ? <Notice>{notice}</Notice> : null}
      {!s ||
      (!classification.data && classification.status === 'loading') ||
      (!engagements.data && engagements.status === 'loading') ? (
        system.status === 'error' ? null : (
          <Skeleton lines={12} />
        )
      ) : (
        <>
          <div className="grid grid--main-side">
            <Card title="About">
              <Details
                items={[
                  ['Description', s.description || <span className="muted">None given</span>],
                  ['Purpose', s.purpose || <span className="muted">None given</span>],
                  ['Kind', SYSTEM_KIND_LABELS[s.kind]],
                  [
                    'Vendor',
                    s.vendorId ? (
                      <Link to={`/vendors/${s.vendorId}`}>
                        {vendors.byId.get(s.vendorId)?.legalName ?? 'Vendor'}
                      </Link>
                    ) : (
                      'Built or run in-house'
                    ),
                  ],
                  ['Accountable owner', <UserName id={s.ownerId} />],
                  [
                    'Decides about customers',
                    s.decidesAboutCustomers
                      ? 'Yes — makes or supports decisions about individual customers'
                      : 'No',
                  ],
                  ['Shown on the public trust portal', s.public ? 'Yes' : 'No'],
                  [
                    'Tags',
                    s.tags.length ? (
                      <span className="tags">
                        {s.tags.map((t) => (
                          <span className="tag" key={t}>
                            {t}
                          </span>
                        ))}
                      </span>
                    ) : (
                      <span className="muted">None</span>
                    ),
                  ],
                  ['Registered', formatDateTime(s.createdAt)],
                  ['Last changed', formatDateTime(s.updatedAt)],
                ]}
              />
            </Card>
            <Card title="Lifecycle">
              <ol className="steps" aria-label="Lifecycle">
                {keysOf(SYSTEM_STATUS_LABELS).map((st) => {
                  const order = keysOf(SYSTEM_STATUS_LABELS);
                  const done = order.indexOf(st) < order.indexOf(s.status);
                  const current = st === s.status;
                  return (
                    <li
                      key={st}
                      className={`steps__item${current ? ' steps__item--current' : ''}${done ? ' steps__item--done' : ''}`}
                      aria-current={current ? 'step' : undefined}
                    >
                      {SYSTEM_STATUS_LABELS[st]}
                      {current ? <span className="visually-hidden"> (current)</span> : null}
                    </li>
                  );
                })}
              </ol>
              {s.approvedBy ? (
                <p className="muted">
                  Approved by <UserName id={s.approvedBy} /> on {formatDateTime(s.approvedAt)}.
                </p>
              ) : s.status === 'proposed' ? (
                <p className="muted">
                  Waiting for{' '}
                  {s.ownerId === user.id ? (
                    'your'
                  ) : (
                    <>
                      <UserName id={s.ownerId} link={false} />
                      ’s
                    </>
                  )}{' '}
                  approval{s.riskTier ? '' : ', after an EU AI Act classification'}.
                </p>
              ) : null}
              {canChange(s.ownerId) && s.status !== 'retired' ? (
                <div className="button-row">
                  {/* Approval is the accountable owner's own act; nobody approves for them. */}
                  {s.status === 'proposed' && s.ownerId === user.id ? (
                    <button type="button" className="button" onClick={() => setAction('approve')}>
                      Approve
                    </button>
                  ) : null}
                  {s.status === 'approved' ? (
                    <button type="button" className="button" onClick={() => setAction('goLive')}>
                      Go live
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="button button--danger-outline"
                    onClick={() => setAction('retire')}
                  >
                    Retire
                  </button>
                </div>
              ) : null}
            </Card>
          </div>

          <Card
            title="EU AI Act classification"
            actions={
              canChange(s.ownerId) && s.status !== 'retired' ? (
                <Link className="button button--small" to={`/systems/${s.id}/classify`}>
                  {s.riskTier ? 'Review the answers' : 'Classify now'}
                </Link>
              ) : s.riskTier ? (
                <Link to={`/systems/${s.id}/classify`}>See the answers</Link>
              ) : null
            }
          >
            {classification.status === 'error' ? (
              <ErrorNotice error={classification.error} onRetry={classification.reload} />
            ) : !classification.data ? (
              <Skeleton lines={4} />
            ) : !classification.data.result || !s.riskTier ? (
              <EmptyState>
                Not classified yet. The guided questionnaire works out the risk tier and the duties that
                follow from it.
              </EmptyState>
            ) : (
              <div className="classification">
                <p className="classification__tier">
                  <TierBadge tier={s.riskTier} /> {RISK_TIER_EXPLANATIONS[s.riskTier]}
                </p>
                <p className="muted">
                  Classified {formatDateTime(classification.data.classifiedAt)} · questionnaire{' '}
                  {classification.data.result.questionnaireVersion}
                </p>
                <h3>Why</h3>
                <ul>
                  {classification.data.result.reasons.map((r) => (
                    <li key={r.questionId}>{r.text}</li>
                  ))}
                </ul>
                <h3>Obligations ({classification.data.result.obligations.length})</h3>
                <ul className="obligations">
                  {classification.data.result.obligations.map((o) => (
                    <li key={o.id}>
                      <p>
                        <span className="obligations__article">{o.article}</span> <strong>{o.title}</strong>
                      </p>
                      <p className="muted">{o.summary}</p>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </Card>

          <Card title="Engagements that involve this system">
            {engagements.status === 'error' ? (
              <ErrorNotice error={engagements.error} onRetry={engagements.reload} />
            ) : !engagements.data ? (
              <Skeleton lines={2} />
            ) : engagements.data.items.length === 0 ? (
              <EmptyState>No outsourced engagement involves this system.</EmptyState>
            ) : (
              <ul className="item-list">
                {engagements.data.items.map((e) => (
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

          <History kind="system" id={s.id} version={version} />

          <LifecycleDialog
            action={action}
            system={s}
            onClose={() => setAction(undefined)}
            onDone={(next) => {
              const verb =
                action === 'approve' ? 'approved' : action === 'goLive' ? 'is now live' : 'retired';
              setAction(undefined);
              updated(next, `${next.name} ${verb === 'is now live' ? verb : `was ${verb}`}.`);
            }}
          />
          <TransferDialog
            kind="system"
            id={s.id}
            currentOwnerId={s.ownerId}
            open={transferring}
            onClose={() => setTransferring(false)}
            onDone={() => {
              setTransferring(false);
              setNotice('Ownership transferred.');
              system.reload();
              setVersion((v) => v + 1);
            }}
          />
        </>
      )}
    </>
  );
}
