import type { ApiKeyView, CreatedApiKeyView } from '@oversight/contract';
import { useRef, useState } from 'react';
import { describeError } from '../api/errors.ts';
import { useSession } from '../app/session.tsx';
import { useAsync, usePageTitle } from '../app/use-async.ts';
import { useSubmit } from '../app/use-submit.ts';
import { Dialog } from '../components/Dialog.tsx';
import { FormErrors, TextField } from '../components/fields.tsx';
import {
  Badge,
  Card,
  EmptyState,
  ErrorNotice,
  Mono,
  Notice,
  PageHeader,
  Skeleton,
} from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';

export function ApiKeysPage() {
  usePageTitle('My API keys');
  const { api } = useSession();
  const keys = useAsync((signal) => api.apiKeys.list({ signal }), [api]);
  const [name, setName] = useState('');
  const { busy, errors, message, run } = useSubmit();
  const [created, setCreated] = useState<CreatedApiKeyView>();
  const [revoking, setRevoking] = useState<ApiKeyView>();
  const [notice, setNotice] = useState<string>();

  const create = async () => {
    const key = await run(() => api.apiKeys.create({ name }));
    if (key) {
      setName('');
      setCreated(key);
      keys.reload();
    }
  };

  const active = keys.data?.items.filter((k) => !k.revokedAt) ?? [];
  const revoked = keys.data?.items.filter((k) => k.revokedAt) ?? [];
  return (
    <>
      <PageHeader
        title="My API keys"
        description="Keys let scripts and the oversight CLI act as you, with your role. Send one as “Authorization: Bearer <key>”. Keys are stored hashed: the secret is shown once, when the key is created."
      />
      {notice ? <Notice>{notice}</Notice> : null}
      <Card title="Create a key">
        <form
          className="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <FormErrors errors={errors} fields={['name']} message={message} />
          <TextField
            label="Name"
            name="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors['name']}
            hint="What the key is for, e.g. “nightly export”."
          />
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </form>
      </Card>
      <Card title="Active keys">
        {keys.status === 'error' ? (
          <ErrorNotice error={keys.error} onRetry={keys.reload} />
        ) : !keys.data ? (
          <Skeleton lines={3} />
        ) : active.length === 0 ? (
          <EmptyState>You have no active API keys.</EmptyState>
        ) : (
          <KeyTable keys={active} onRevoke={setRevoking} />
        )}
      </Card>
      {revoked.length > 0 ? (
        <Card title={`Revoked keys (${revoked.length})`}>
          <KeyTable keys={revoked} />
        </Card>
      ) : null}
      <SecretDialog created={created} onClose={() => setCreated(undefined)} />
      <RevokeDialog
        apiKey={revoking}
        onClose={() => setRevoking(undefined)}
        onDone={(k) => {
          setRevoking(undefined);
          setNotice(`The key “${k.name}” was revoked; it no longer works.`);
          keys.reload();
        }}
      />
    </>
  );
}

function KeyTable({ keys, onRevoke }: { keys: ApiKeyView[]; onRevoke?: (k: ApiKeyView) => void }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">{onRevoke ? <span className="visually-hidden">Actions</span> : 'Revoked'}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td className="table__primary">{k.name}</td>
              <td>
                <Mono>{k.prefix}…</Mono>
              </td>
              <td className="nowrap">{formatDateTime(k.createdAt)}</td>
              <td className="nowrap">
                {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">Never</span>}
              </td>
              <td className="nowrap">
                {onRevoke ? (
                  <button
                    type="button"
                    className="button button--danger-outline button--small"
                    onClick={() => onRevoke(k)}
                  >
                    Revoke<span className="visually-hidden"> {k.name}</span>
                  </button>
                ) : (
                  <Badge>{formatDateTime(k.revokedAt)}</Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SecretDialog({ created, onClose }: { created: CreatedApiKeyView | undefined; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed'>();
  const secretRef = useRef<HTMLInputElement>(null);
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied('yes');
    } catch {
      // Clipboard access can be refused; select the text so Ctrl+C works.
      secretRef.current?.select();
      setCopied('failed');
    }
  };
  return (
    <Dialog
      wide
      open={created !== undefined}
      title="Your new API key"
      onClose={() => {
        setCopied(undefined);
        onClose();
      }}
      footer={
        <button
          type="button"
          className="button"
          onClick={() => {
            setCopied(undefined);
            onClose();
          }}
        >
          I have stored the key
        </button>
      }
    >
      <div className="alert alert--warning">
        <p className="alert__title">Copy the key now</p>
        <p>
          This is the only time the secret is shown. Oversight keeps only a hash of it; if you lose it, revoke
          it and create a new one.
        </p>
      </div>
      <div className="field">
        <label className="field__label" htmlFor="new-secret">
          Secret of “{created?.name}”
        </label>
        <div className="copy-field">
          <input
            id="new-secret"
            ref={secretRef}
            className="input mono"
            readOnly
            value={created?.secret ?? ''}
            onFocus={(e) => e.target.select()}
          />
          <button type="button" className="button button--secondary" onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p className="field__hint" role="status">
          {copied === 'yes'
            ? 'Copied to the clipboard.'
            : copied === 'failed'
              ? 'The browser did not allow copying; the key is selected — press Ctrl+C (⌘C).'
              : ''}
        </p>
      </div>
    </Dialog>
  );
}

function RevokeDialog({
  apiKey,
  onClose,
  onDone,
}: {
  apiKey: ApiKeyView | undefined;
  onClose: () => void;
  onDone: (k: ApiKeyView) => void;
}) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const revoke = async () => {
    if (!apiKey) return;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api.apiKeys.revoke(apiKey.id));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={apiKey !== undefined}
      title={`Revoke “${apiKey?.name ?? ''}”?`}
      onClose={() => {
        setError(undefined);
        onClose();
      }}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void revoke()}
          >
            {busy ? 'Revoking…' : 'Revoke key'}
          </button>
        </>
      }
    >
      <p>Anything that uses this key stops working immediately. This cannot be undone.</p>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      ) : null}
    </Dialog>
  );
}
