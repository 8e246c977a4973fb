// Confirms a lifecycle step (approve, go live, retire) with an optional note, and shows the
// API's refusal when the lifecycle rule says no.
import type { SystemView } from '@oversight/contract';
import { useState } from 'react';
import { describeError, ApiError, type FieldErrors } from '../api/errors.ts';
import { useSession } from '../app/session.tsx';
import { Dialog } from './Dialog.tsx';
import { FormErrors, TextArea } from './fields.tsx';

export type LifecycleAction = 'approve' | 'goLive' | 'retire';

const COPY: Record<LifecycleAction, { title: string; verb: string; busy: string; text: string }> = {
  approve: {
    title: 'Approve this AI system',
    verb: 'Approve',
    busy: 'Approving…',
    text: 'As the accountable owner you confirm that the system may be used for its stated purpose under its risk tier and obligations. Your approval is recorded in the ledger.',
  },
  goLive: {
    title: 'Take this AI system live',
    verb: 'Go live',
    busy: 'Going live…',
    text: 'The system starts being used in production. This needs the current owner’s approval.',
  },
  retire: {
    title: 'Retire this AI system',
    verb: 'Retire',
    busy: 'Retiring…',
    text: 'A retired system stays in the register and the ledger but can no longer be changed or reclassified.',
  },
};

export function LifecycleDialog({
  action,
  system,
  onClose,
  onDone,
}: {
  action: LifecycleAction | undefined;
  system: SystemView;
  onClose: () => void;
  onDone: (s: SystemView) => void;
}) {
  const { api } = useSession();
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const copy = action ? COPY[action] : COPY.approve;

  const close = () => {
    setErrors({});
    setRefusal(undefined);
    setNote('');
    onClose();
  };
  const submit = async () => {
    if (!action) return;
    setBusy(true);
    setErrors({});
    setRefusal(undefined);
    try {
      const updated = await api.systems[action](system.id, note.trim() || undefined);
      setNote('');
      onDone(updated);
    } catch (e) {
      if (e instanceof ApiError && e.issues.length > 0) setErrors(e.fieldErrors());
      else setRefusal(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const formId = `lifecycle-${system.id}`;
  return (
    <Dialog
      open={action !== undefined}
      onClose={close}
      title={copy.title}
      footer={
        <>
          <button type="button" className="button button--secondary" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className={`button${action === 'retire' ? ' button--danger' : ''}`}
            disabled={busy}
          >
            {busy ? copy.busy : copy.verb}
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
          <strong>{system.name}</strong>: {copy.text}
        </p>
        {refusal ? (
          <div className="alert alert--error" role="alert">
            <p className="alert__title">Refused</p>
            <p>{refusal}</p>
          </div>
        ) : null}
        <FormErrors errors={errors} fields={['note']} />
        <TextArea
          label="Note (optional)"
          name="note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={errors['note']}
          hint="Kept with the ledger entry."
        />
      </form>
    </Dialog>
  );
}
