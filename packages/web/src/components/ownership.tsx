// Accountability on detail pages: who owns it, how ownership moved, and what the ledger recorded.
import type { LedgerEntryView, TransferView } from '@oversight/contract';
import { useState } from 'react';
import { ApiError, type FieldErrors } from '../api/errors.ts';
import type { LedgerSearchResult, OwnedKind } from '../api/client.ts';
import { useSession } from '../app/session.tsx';
import { useAsync } from '../app/use-async.ts';
import { Link } from '../app/router.tsx';
import { formatDateTime } from '../lib/format.ts';
import { ledgerEventLabel } from '../lib/labels.ts';
import { Dialog } from './Dialog.tsx';
import { FormErrors, TextArea } from './fields.tsx';
import { ActorName, OwnerSelect, SubjectName, UserName } from './people.tsx';
import { Card, EmptyState, ErrorNotice, Skeleton } from './ui.tsx';

const KIND_NAMES: Record<OwnedKind, string> = {
  system: 'AI system',
  vendor: 'vendor',
  engagement: 'engagement',
};

export function TransferDialog({
  kind,
  id,
  currentOwnerId,
  open,
  onClose,
  onDone,
}: {
  kind: OwnedKind;
  id: string;
  currentOwnerId: string;
  open: boolean;
  onClose: () => void;
  onDone: (t: TransferView) => void;
}) {
  const { api } = useSession();
  const [newOwnerId, setNewOwnerId] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const close = () => {
    setErrors({});
    onClose();
  };
  const submit = async () => {
    setBusy(true);
    setErrors({});
    try {
      const t = await api.ownership(kind).transfer(id, { newOwnerId, reason });
      setNewOwnerId('');
      setReason('');
      onDone(t);
    } catch (e) {
      setErrors(e instanceof ApiError ? e.fieldErrors() : { '': String(e) });
    } finally {
      setBusy(false);
    }
  };
  const formId = `transfer-${id}`;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Transfer ownership of this ${KIND_NAMES[kind]}`}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button" disabled={busy}>
            {busy ? 'Transferring…' : 'Transfer ownership'}
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
          The new owner becomes accountable from now on. The transfer and its reason are written to the
          ledger.
          {kind === 'system'
            ? ' An approval that has not yet gone live lapses: the new owner approves anew.'
            : ''}
        </p>
        <FormErrors errors={errors} fields={['newOwnerId', 'reason']} />
        <p className="muted">
          Current owner: <UserName id={currentOwnerId} link={false} />
        </p>
        <OwnerSelect
          label="New owner"
          name="newOwnerId"
          value={newOwnerId}
          onChange={setNewOwnerId}
          error={errors['newOwnerId']}
          exclude={currentOwnerId}
        />
        <TextArea
          label="Reason"
          name="reason"
          required
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={errors['reason']}
          hint="Why accountability moves, e.g. a change of role. Kept in the ledger."
        />
      </form>
    </Dialog>
  );
}

/** Ownership transfers and the ledger entries about one subject, newest first. */
export function History({ kind, id, version }: { kind: OwnedKind | 'user'; id: string; version: number }) {
  const { api, isStaff } = useSession();
  const transfers = useAsync(
    (signal) =>
      kind === 'user'
        ? Promise.resolve({ items: [] as TransferView[] })
        : api.ownership(kind).transfers(id, { signal }),
    [api, kind, id, version],
  );
  // The ledger is for staff; vendor users see only the ownership history.
  const ledger = useAsync(
    (signal) =>
      isStaff ? api.ledger.search({ subjectId: id, limit: 20 }, { signal }) : Promise.resolve(undefined),
    [api, id, isStaff, version],
  );
  return (
    <div className={kind === 'user' || !isStaff ? undefined : 'grid grid--2'}>
      {kind !== 'user' ? (
        <Card title="Ownership transfers">
          {transfers.status === 'error' ? (
            <ErrorNotice error={transfers.error} onRetry={transfers.reload} />
          ) : transfers.data === undefined ? (
            <Skeleton lines={2} />
          ) : transfers.data.items.length === 0 ? (
            <EmptyState>No transfers: the first owner is still accountable.</EmptyState>
          ) : (
            <ol className="timeline">
              {[...transfers.data.items].reverse().map((t) => (
                <li key={t.id}>
                  <p>
                    <UserName id={t.fromUserId} /> <span aria-hidden="true">→</span>
                    <span className="visually-hidden"> to </span> <UserName id={t.toUserId} />
                  </p>
                  <p className="muted">
                    {formatDateTime(t.at)} · by <UserName id={t.actorId} />
                  </p>
                  <p className="timeline__reason">“{t.reason}”</p>
                </li>
              ))}
            </ol>
          )}
        </Card>
      ) : null}
      {isStaff ? (
        <Card
          title="History in the ledger"
          actions={<Link to={`/ledger?subjectId=${encodeURIComponent(id)}`}>Open in ledger</Link>}
        >
          <LedgerMiniList state={ledger} />
        </Card>
      ) : null}
    </div>
  );
}

function LedgerMiniList({ state }: { state: ReturnType<typeof useAsync<LedgerSearchResult | undefined>> }) {
  if (state.status === 'error') {
    if (state.error instanceof ApiError && state.error.code === 'NOT_FOUND')
      return <EmptyState>Ledger search is not available on this server yet.</EmptyState>;
    return <ErrorNotice error={state.error} onRetry={state.reload} />;
  }
  if (state.data === undefined) return <Skeleton lines={3} />;
  if (state.data.entries.length === 0) return <EmptyState>Nothing recorded yet.</EmptyState>;
  return <LedgerEntryList entries={state.data.entries} showSubject={false} />;
}

export function LedgerEntryList({
  entries,
  showSubject = true,
}: {
  entries: LedgerEntryView[];
  showSubject?: boolean;
}) {
  return (
    <ol className="timeline">
      {entries.map((e) => (
        <li key={e.index}>
          <p>
            <strong>{ledgerEventLabel(e.type)}</strong>
            {showSubject ? (
              <>
                {': '}
                <SubjectName subject={e.subject} />
              </>
            ) : null}
          </p>
          <p className="muted">
            {formatDateTime(e.at)} · <ActorName actor={e.actor} /> ·{' '}
            <Link to={`/ledger?entry=${e.index}`}>entry #{e.index}</Link>
          </p>
        </li>
      ))}
    </ol>
  );
}
