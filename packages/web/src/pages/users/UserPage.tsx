import type { UserView } from '@oversight/contract';
import { useState, type ReactNode } from 'react';
import { ApiError, describeError, type FieldErrors } from '../../api/errors.ts';
import { useDirectory } from '../../app/directory.tsx';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { FormErrors } from '../../components/fields.tsx';
import { History, LedgerEntryList } from '../../components/ownership.tsx';
import { OwnerSelect } from '../../components/people.tsx';
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
} from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { ROLE_LABELS, USER_STATUS_LABELS } from '../../lib/labels.ts';

export function UserPage({ params }: { params: Record<string, string> }) {
  const id = params['id'] ?? '';
  const { api, isAdmin, user: me } = useSession();
  const directory = useDirectory();
  const user = useAsync((signal) => api.users.get(id, { signal }), [api, id]);
  const [version, setVersion] = useState(0);
  const owned = useAsync(
    async (signal) => {
      const o = { signal };
      const [systems, vendors, engagements] = await Promise.all([
        api.systems.list({ ownerId: id, limit: 50 }, o),
        api.vendors.list({ ownerId: id, limit: 50 }, o),
        api.engagements.list({ ownerId: id, limit: 50 }, o),
      ]);
      return { systems, vendors, engagements };
    },
    [api, id, version],
  );
  const activity = useAsync(
    (signal) => api.ledger.search({ actorId: id, limit: 10 }, { signal }),
    [api, id, version],
  );
  const [deactivating, setDeactivating] = useState(false);
  const [notice, setNotice] = useState<string>();
  const u = user.data;
  usePageTitle(u?.name ?? 'Person');
  const ownsCount = owned.data
    ? owned.data.systems.total + owned.data.vendors.total + owned.data.engagements.total
    : 0;

  return (
    <>
      <PageHeader
        back={{ to: '/users', label: 'People' }}
        eyebrow="Person"
        title={u?.name ?? (user.status === 'error' ? 'Person' : 'Loading…')}
        description={
          u ? (
            <span className="badges">
              <Badge>{ROLE_LABELS[u.role]}</Badge>{' '}
              <Badge tone={u.status === 'active' ? 'success-soft' : 'neutral'}>
                {USER_STATUS_LABELS[u.status]}
              </Badge>
            </span>
          ) : undefined
        }
        actions={
          u && isAdmin && u.status === 'active' && u.id !== me.id ? (
            <button
              type="button"
              className="button button--danger-outline"
              onClick={() => setDeactivating(true)}
            >
              Deactivate
            </button>
          ) : null
        }
      />
      {user.status === 'error' ? <ErrorNotice error={user.error} onRetry={user.reload} /> : null}
      {notice ? <Notice>{notice}</Notice> : null}
      {!u ||
      (owned.status === 'loading' && !owned.data) ||
      (activity.status === 'loading' && !activity.data) ? (
        user.status === 'error' ? null : (
          <Skeleton lines={10} />
        )
      ) : (
        <>
          <div className="grid grid--main-side">
            <Card title="About">
              <Details
                items={[
                  ['E-mail', u.email],
                  ['Role', ROLE_LABELS[u.role]],
                  ...(u.vendorId
                    ? [
                        ['Vendor', <Link to={`/vendors/${u.vendorId}`}>Vendor profile</Link>] as [
                          string,
                          ReactNode,
                        ],
                      ]
                    : []),
                  [
                    'Status',
                    u.status === 'active' ? 'Active' : `Deactivated ${formatDateTime(u.deactivatedAt)}`,
                  ],
                  ['Since', formatDateTime(u.createdAt)],
                ]}
              />
            </Card>
            <Card title="Recent activity">
              {activity.status === 'error' ? (
                <EmptyState>
                  {activity.error instanceof ApiError && activity.error.code === 'NOT_FOUND'
                    ? 'Ledger search is not available on this server yet.'
                    : describeError(activity.error)}
                </EmptyState>
              ) : !activity.data ? (
                <Skeleton lines={3} />
              ) : activity.data.entries.length === 0 ? (
                <EmptyState>No recorded actions.</EmptyState>
              ) : (
                <LedgerEntryList entries={activity.data.entries} />
              )}
            </Card>
          </div>
          <Card title={`Accountable for${owned.data ? ` (${ownsCount})` : ''}`}>
            {owned.status === 'error' ? (
              <ErrorNotice error={owned.error} onRetry={owned.reload} />
            ) : !owned.data ? (
              <Skeleton lines={3} />
            ) : ownsCount === 0 ? (
              <EmptyState>
                {u.role === 'admin' || u.role === 'owner'
                  ? 'Not the accountable owner of anything.'
                  : 'Only admins and owners can be accountable owners.'}
              </EmptyState>
            ) : (
              <div className="grid grid--3">
                <div>
                  <h3 className="subheading">AI systems ({owned.data.systems.total})</h3>
                  <ul className="item-list">
                    {owned.data.systems.items.map((s) => (
                      <li key={s.id}>
                        <Link to={`/systems/${s.id}`}>{s.name}</Link> <StatusBadge status={s.status} />
                      </li>
                    ))}
                  </ul>
                </div>
                <div>
                  <h3 className="subheading">Vendors ({owned.data.vendors.total})</h3>
                  <ul className="item-list">
                    {owned.data.vendors.items.map((v) => (
                      <li key={v.id}>
                        <Link to={`/vendors/${v.id}`}>{v.legalName}</Link>
                      </li>
                    ))}
                  </ul>
                </div>
                <div>
                  <h3 className="subheading">Engagements ({owned.data.engagements.total})</h3>
                  <ul className="item-list">
                    {owned.data.engagements.items.map((e) => (
                      <li key={e.id}>
                        <Link to={`/engagements/${e.id}`}>{e.title}</Link>
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            )}
          </Card>
          <History kind="user" id={u.id} version={version} />
          <DeactivateDialog
            user={u}
            open={deactivating}
            onClose={() => setDeactivating(false)}
            onDone={(updated, moved) => {
              setDeactivating(false);
              user.setData(updated);
              directory.refresh();
              setVersion((n) => n + 1);
              setNotice(
                `${updated.name} was deactivated${moved > 0 ? `; ${moved} item${moved === 1 ? '' : 's'} moved to the successor` : ''}.`,
              );
            }}
          />
        </>
      )}
    </>
  );
}

/**
 * Deactivation first tries without a successor. The API refuses with 409 while the person is
 * still accountable for something; the dialog then asks for a successor and retries with it.
 */
function DeactivateDialog({
  user,
  open,
  onClose,
  onDone,
}: {
  user: UserView;
  open: boolean;
  onClose: () => void;
  onDone: (user: UserView, moved: number) => void;
}) {
  const { api } = useSession();
  const [needsSuccessor, setNeedsSuccessor] = useState<{
    message: string;
    owned: { kind: string; id: string }[];
  }>();
  const [successorId, setSuccessorId] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);

  const close = () => {
    setNeedsSuccessor(undefined);
    setSuccessorId('');
    setErrors({});
    setMessage(undefined);
    onClose();
  };

  const submit = async () => {
    setBusy(true);
    setErrors({});
    setMessage(undefined);
    try {
      const body = needsSuccessor && successorId ? { successorId } : {};
      const r = await api.users.deactivate(user.id, body);
      setNeedsSuccessor(undefined);
      setSuccessorId('');
      onDone(r.user, r.transferred.length);
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.code === 'CONFLICT' &&
        e.details['field'] === 'successorId' &&
        !needsSuccessor
      ) {
        const owned = Array.isArray(e.details['owned'])
          ? (e.details['owned'] as { kind: string; id: string }[])
          : [];
        setNeedsSuccessor({ message: e.message, owned });
      } else if (e instanceof ApiError && Object.keys(e.fieldErrors()).length > 0) {
        setErrors(e.fieldErrors());
      } else setMessage(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const counts =
    needsSuccessor?.owned.reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o.kind]: (acc[o.kind] ?? 0) + 1 }),
      {},
    ) ?? {};
  const formId = `deactivate-${user.id}`;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Deactivate ${user.name}`}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button--danger" disabled={busy}>
            {busy ? 'Deactivating…' : needsSuccessor ? 'Transfer and deactivate' : 'Deactivate'}
          </button>
        </>
      }
    >
      <form
        id={formId}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>
          {user.name} will no longer be able to log in or use API keys. Their history stays in the ledger.
        </p>
        <FormErrors errors={errors} fields={['successorId']} message={message} />
        {needsSuccessor ? (
          <>
            <div className="alert alert--warning" role="alert">
              <p className="alert__title">A successor is needed</p>
              <p>
                {user.name} is still the accountable owner of{' '}
                {Object.entries(counts)
                  .map(([kind, n]) => `${n} ${kind === 'system' ? 'AI system' : kind}${n === 1 ? '' : 's'}`)
                  .join(', ') || 'some items'}
                . Choose who takes over all of them; the transfers are recorded together with the
                deactivation.
              </p>
            </div>
            <OwnerSelect
              label="Successor"
              name="successorId"
              value={successorId}
              onChange={setSuccessorId}
              exclude={user.id}
              error={errors['successorId']}
              hint="An active in-house admin or owner."
            />
          </>
        ) : null}
      </form>
    </Dialog>
  );
}
