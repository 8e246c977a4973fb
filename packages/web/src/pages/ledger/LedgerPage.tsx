// The ledger: the signed checkpoint (signature verified here), the verifier key, a searchable
// entry list, "Verify now" on the server, and per-entry inclusion proofs verified in the browser.
import type { LedgerEntryView, LedgerVerifyView } from '@oversight/contract';
import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../../api/errors.ts';
import { useSearchParams } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ActorName, SubjectName } from '../../components/people.tsx';
import { Badge, Card, EmptyState, ErrorNotice, Mono, PageHeader, Skeleton } from '../../components/ui.tsx';
import { encodeBase64 } from '../../lib/base64.ts';
import { formatDateTime } from '../../lib/format.ts';
import { keysOf, LEDGER_EVENT_LABELS, ledgerEventLabel } from '../../lib/labels.ts';
import { proveEntry, type ProofOutcome } from '../../lib/ledger-proof.ts';
import { openCheckpoint, type OpenedCheckpoint } from '../../lib/signed-note.ts';

const PAGE = 25;

type CheckpointState = { note: string; key: string; opened: OpenedCheckpoint };

export default function LedgerPage() {
  usePageTitle('Ledger');
  const { api } = useSession();
  const checkpoint = useAsync<CheckpointState>(
    async (signal) => {
      const [note, key] = await Promise.all([
        api.ledger.checkpoint({ signal }),
        api.ledger.verifierKey({ signal }),
      ]);
      return { note, key: key.trim(), opened: await openCheckpoint(note, key.trim()) };
    },
    [api],
  );
  return (
    <>
      <PageHeader
        title="Ledger"
        description="Every change in the organisation is appended to a tamper-evident Merkle log (RFC 6962 / RFC 9162) whose head is signed with Ed25519. Anyone with the verifier key can check that nothing was changed, removed, inserted or reordered."
      />
      {checkpoint.data || checkpoint.status === 'error' ? (
        <div className="grid grid--main-side">
          <CheckpointCard state={checkpoint} />
          <VerifyCard checkpoint={checkpoint.data?.opened} />
        </div>
      ) : (
        <Skeleton lines={12} label="Loading the signed checkpoint…" />
      )}
      {/* The entry list waits for the checkpoint so the card above never pushes it down. */}
      {checkpoint.data || checkpoint.status === 'error' ? (
        <EntriesCard checkpoint={checkpoint.data?.opened} onRefreshCheckpoint={checkpoint.reload} />
      ) : null}
    </>
  );
}

function CheckpointCard({ state }: { state: ReturnType<typeof useAsync<CheckpointState>> }) {
  const [copied, setCopied] = useState(false);
  const data = state.data;
  return (
    <Card
      title="Signed checkpoint"
      actions={
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={state.reload}
          disabled={state.status === 'loading'}
        >
          Refresh
        </button>
      }
    >
      {state.status === 'error' ? (
        <ErrorNotice error={state.error} onRetry={state.reload} />
      ) : !data ? (
        <Skeleton lines={6} />
      ) : (
        <>
          {data.opened.ok ? (
            <p className="verdict verdict--ok">
              <span aria-hidden="true">✓</span> Signature verified in this browser (Ed25519, with the verifier
              key below)
            </p>
          ) : (
            <p className="verdict verdict--bad" role="alert">
              <span aria-hidden="true">✗</span>{' '}
              {data.opened.unsupported ? 'Not checked: ' : 'Signature check failed: '}
              {data.opened.reason}
            </p>
          )}
          {data.opened.ok ? (
            <dl className="details">
              <div className="details__row">
                <dt>Origin</dt>
                <dd>
                  <Mono>{data.opened.checkpoint.origin}</Mono>
                </dd>
              </div>
              <div className="details__row">
                <dt>Tree size</dt>
                <dd>{data.opened.checkpoint.size.toLocaleString('en-GB')} entries</dd>
              </div>
              <div className="details__row">
                <dt>Root hash</dt>
                <dd>
                  <Mono>{encodeBase64(data.opened.checkpoint.rootHash)}</Mono>
                </dd>
              </div>
              <div className="details__row">
                <dt>Signed by</dt>
                <dd>
                  <Mono>{data.opened.keyName}</Mono>
                </dd>
              </div>
              <div className="details__row">
                <dt>Signature line</dt>
                <dd>
                  <Mono>{data.opened.signatureLine}</Mono>
                </dd>
              </div>
            </dl>
          ) : null}
          <div className="field">
            <label className="field__label" htmlFor="verifier-key">
              Verifier key
            </label>
            <p className="field__hint" id="verifier-key-hint">
              Publish or store this key: with it, anyone can check checkpoints offline (
              <code>oversight ledger verify</code>).
            </p>
            <div className="copy-field">
              <input
                id="verifier-key"
                className="input mono"
                readOnly
                value={data.key}
                aria-describedby="verifier-key-hint"
                onFocus={(e) => e.target.select()}
              />
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  navigator.clipboard.writeText(data.key).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  );
                }}
              >
                Copy
              </button>
            </div>
            <p className="field__hint" role="status">
              {copied ? 'Copied.' : ''}
            </p>
          </div>
          <details>
            <summary>The signed note as served</summary>
            <pre className="pre">{data.note}</pre>
          </details>
        </>
      )}
    </Card>
  );
}

function VerifyCard({ checkpoint }: { checkpoint: OpenedCheckpoint | undefined }) {
  const { api } = useSession();
  const [result, setResult] = useState<LedgerVerifyView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.ledger.verify());
    } catch (e) {
      setResult(undefined);
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const sameRoot =
    result && checkpoint?.ok && result.treeSize === checkpoint.checkpoint.size
      ? result.rootHash === encodeBase64(checkpoint.checkpoint.rootHash)
      : undefined;
  return (
    <Card title="Verify the whole log">
      <p className="muted">
        The server recomputes every leaf and the tree, and checks every signed checkpoint it ever issued.
      </p>
      <button type="button" className="button" onClick={() => void verify()} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify now'}
      </button>
      <div aria-live="polite" className="verify-result">
        {error ? (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        ) : null}
        {result ? (
          <>
            <p className={`verdict ${result.ok ? 'verdict--ok' : 'verdict--bad'}`}>
              <span aria-hidden="true">{result.ok ? '✓' : '✗'}</span>{' '}
              {result.ok
                ? 'The log is intact.'
                : `The log is NOT intact: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`}
            </p>
            <dl className="details">
              <div className="details__row">
                <dt>Entries</dt>
                <dd>{result.treeSize.toLocaleString('en-GB')}</dd>
              </div>
              <div className="details__row">
                <dt>Root</dt>
                <dd>
                  <Mono>{result.rootHash}</Mono>
                  {sameRoot === true ? <span className="muted"> — equals the signed checkpoint</span> : null}
                  {sameRoot === false ? (
                    <Badge tone="danger">differs from the signed checkpoint</Badge>
                  ) : null}
                </dd>
              </div>
              <div className="details__row">
                <dt>Checkpoints verified</dt>
                <dd>{result.checkpointsVerified}</dd>
              </div>
            </dl>
            {result.problems.length > 0 ? (
              <ul className="problems">
                {result.problems.map((p, i) => (
                  <li key={i}>
                    <strong>{p.kind}</strong>
                    {p.index !== null ? ` at entry #${p.index}` : ''}: {p.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
    </Card>
  );
}

type Filters = { type: string; actorId: string; subjectId: string };

function EntriesCard({
  checkpoint,
  onRefreshCheckpoint,
}: {
  checkpoint: OpenedCheckpoint | undefined;
  onRefreshCheckpoint: () => void;
}) {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const entryParam = params.get('entry');
  const focusIndex = entryParam !== null && /^\d+$/.test(entryParam) ? Number(entryParam) : undefined;
  const applied: Filters = {
    type: params.get('type') ?? '',
    actorId: params.get('actorId') ?? '',
    subjectId: params.get('subjectId') ?? '',
  };
  const [draft, setDraft] = useState<Filters>(applied);
  // Pages go back in time: each entry of the stack is the exclusive upper index of a page.
  const [stack, setStack] = useState<(number | undefined)[]>([
    focusIndex !== undefined ? focusIndex + 1 : undefined,
  ]);
  const before = stack[stack.length - 1];
  const search = useAsync(
    (signal) =>
      api.ledger.search(
        {
          type: applied.type || undefined,
          actorId: applied.actorId || undefined,
          subjectId: applied.subjectId || undefined,
          before,
          limit: PAGE,
        },
        { signal },
      ),
    [api, applied.type, applied.actorId, applied.subjectId, before],
  );

  useEffect(
    () =>
      setDraft({
        type: params.get('type') ?? '',
        actorId: params.get('actorId') ?? '',
        subjectId: params.get('subjectId') ?? '',
      }),
    [params],
  );

  const apply = (f: Filters) => {
    setStack([undefined]);
    setParams({
      type: f.type || undefined,
      actorId: f.actorId.trim() || undefined,
      subjectId: f.subjectId.trim() || undefined,
      entry: undefined,
    });
  };
  const notAvailable =
    search.status === 'error' && search.error instanceof ApiError && search.error.code === 'NOT_FOUND';

  return (
    <Card title="Entries">
      <form
        className="filters"
        role="search"
        aria-label="Search the ledger"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <SelectField
          label="Event"
          name="type"
          value={draft.type}
          placeholder="Any event"
          options={keysOf(LEDGER_EVENT_LABELS).map((t) => ({ value: t, label: LEDGER_EVENT_LABELS[t] }))}
          onChange={(e) => {
            const next = { ...draft, type: e.target.value };
            setDraft(next);
            apply(next);
          }}
        />
        <TextField
          label="Actor id"
          name="actorId"
          value={draft.actorId}
          placeholder="usr_…"
          onChange={(e) => setDraft({ ...draft, actorId: e.target.value })}
        />
        <TextField
          label="Subject id"
          name="subjectId"
          value={draft.subjectId}
          placeholder="sys_…, ven_…, usr_…"
          onChange={(e) => setDraft({ ...draft, subjectId: e.target.value })}
        />
        <div className="filters__clear">
          <button type="submit" className="button button--small">
            Search
          </button>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              const empty = { type: '', actorId: '', subjectId: '' };
              setDraft(empty);
              apply(empty);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {notAvailable ? (
        <EmptyState>Entry search is not available on this server yet (GET /v1/ledger/search).</EmptyState>
      ) : search.status === 'error' ? (
        <ErrorNotice error={search.error} onRetry={search.reload} />
      ) : !search.data ? (
        <Skeleton lines={8} label="Loading entries…" />
      ) : search.data.entries.length === 0 ? (
        <EmptyState>No entries match.</EmptyState>
      ) : (
        <div className={search.status === 'loading' ? 'is-refreshing' : undefined}>
          <ol className="entries">
            {search.data.entries.map((e) => (
              <EntryRow
                key={e.index}
                entry={e}
                checkpoint={checkpoint}
                autoProve={e.index === focusIndex}
                onRefreshCheckpoint={onRefreshCheckpoint}
              />
            ))}
          </ol>
        </div>
      )}
      {search.data && !notAvailable ? (
        <nav className="pagination" aria-label="Pages of entries">
          <p className="pagination__status">
            {search.data.entries.length > 0
              ? `Entries #${search.data.entries[0]?.index ?? ''} to #${search.data.entries[search.data.entries.length - 1]?.index ?? ''}, newest first`
              : ''}
          </p>
          <div className="pagination__buttons">
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={stack.length <= 1}
              onClick={() => setStack(stack.slice(0, -1))}
            >
              <span aria-hidden="true">‹ </span>Newer
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={search.data.nextBefore === null}
              onClick={() => search.data?.nextBefore != null && setStack([...stack, search.data.nextBefore])}
            >
              Older<span aria-hidden="true"> ›</span>
            </button>
          </div>
        </nav>
      ) : null}
    </Card>
  );
}

function EntryRow({
  entry,
  checkpoint,
  autoProve,
  onRefreshCheckpoint,
}: {
  entry: LedgerEntryView;
  checkpoint: OpenedCheckpoint | undefined;
  autoProve: boolean;
  onRefreshCheckpoint: () => void;
}) {
  const { api } = useSession();
  const [proof, setProof] = useState<
    | { state: 'busy' }
    | { state: 'done'; outcome: ProofOutcome; size: number }
    | { state: 'error'; message: string }
  >();
  const cp = checkpoint?.ok ? checkpoint.checkpoint : undefined;
  const beyond = cp !== undefined && entry.index >= cp.size;

  const prove = async () => {
    if (!cp) return;
    setProof({ state: 'busy' });
    try {
      const p = await api.ledger.inclusionProof(entry.index, cp.size);
      setProof({ state: 'done', outcome: await proveEntry(entry, p, cp), size: cp.size });
    } catch (e) {
      setProof({ state: 'error', message: describeError(e) });
    }
  };

  useEffect(() => {
    if (autoProve && cp && !beyond && proof === undefined) void prove();
  }, [autoProve, cp, beyond]);

  return (
    <li className={`entry${autoProve ? ' entry--focus' : ''}`}>
      <div className="entry__main">
        <span className="entry__index">#{entry.index}</span>
        <div className="entry__text">
          <p>
            <strong>{ledgerEventLabel(entry.type)}</strong> <Mono>{entry.type}</Mono>
          </p>
          <p className="muted">
            {formatDateTime(entry.at)} · by <ActorName actor={entry.actor} /> · about{' '}
            <SubjectName subject={entry.subject} />
          </p>
        </div>
        <div className="entry__actions">
          {beyond ? (
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={onRefreshCheckpoint}
            >
              Newer than the checkpoint — refresh it
            </button>
          ) : (
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={!cp || proof?.state === 'busy'}
              onClick={() => void prove()}
            >
              {proof?.state === 'busy' ? 'Checking…' : 'Prove inclusion'}
              <span className="visually-hidden"> of entry {entry.index}</span>
            </button>
          )}
        </div>
      </div>
      <div aria-live="polite">
        {proof?.state === 'error' ? (
          <p className="verdict verdict--bad">
            <span aria-hidden="true">✗</span> {proof.message}
          </p>
        ) : null}
        {proof?.state === 'done' ? (
          <div className="proof">
            <p className={`verdict ${proof.outcome.ok ? 'verdict--ok' : 'verdict--bad'}`}>
              <span aria-hidden="true">{proof.outcome.ok ? '✓' : '✗'}</span>{' '}
              {proof.outcome.ok
                ? `Verified against the signed checkpoint (tree size ${proof.size})`
                : 'NOT verified against the signed checkpoint'}
            </p>
            <ul className="proof__checks">
              {proof.outcome.checks.map((c, i) => (
                <li key={i} className={c.ok ? 'is-ok' : 'is-bad'}>
                  <span aria-hidden="true">{c.ok ? '✓' : '✗'} </span>
                  <span className="visually-hidden">{c.ok ? 'Passed: ' : 'Failed: '}</span>
                  {c.label}
                  {c.detail ? (
                    <>
                      {' '}
                      <Mono>{c.detail}</Mono>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <details className="entry__leaf">
        <summary>Leaf (the exact canonical JSON that was hashed)</summary>
        <pre className="pre">{entry.leaf}</pre>
      </details>
    </li>
  );
}
