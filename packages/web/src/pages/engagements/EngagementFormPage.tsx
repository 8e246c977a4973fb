import type { EngagementView } from '@oversight/contract';
import { useState } from 'react';
import type { NewEngagement } from '../../api/client.ts';
import { messageFor } from '../../api/errors.ts';
import { useSystems, useVendors } from '../../app/lookups.ts';
import { useDirectory } from '../../app/directory.tsx';
import { Link, useNavigate } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { FormErrors, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import { OwnerSelect, UserName } from '../../components/people.tsx';
import { ErrorNotice, PageHeader, Skeleton } from '../../components/ui.tsx';

type Values = {
  title: string;
  task: string;
  vendorId: string;
  systemIds: string[];
  ownerId: string;
  startDate: string;
  endDate: string;
};

const EMPTY: Values = {
  title: '',
  task: '',
  vendorId: '',
  systemIds: [],
  ownerId: '',
  startDate: '',
  endDate: '',
};
const FIELDS = ['title', 'task', 'vendorId', 'systemIds', 'ownerId', 'startDate', 'endDate'];

function fromEngagement(e: EngagementView): Values {
  return { ...e, systemIds: [...e.systemIds], endDate: e.endDate ?? '' };
}

export function EngagementFormPage({ params }: { params: Record<string, string> }) {
  const id = params['id'];
  const { api, user } = useSession();
  const navigate = useNavigate();
  const directory = useDirectory();
  const vendors = useVendors();
  const systems = useSystems();
  const existing = useAsync(
    (signal) => (id ? api.engagements.get(id, { signal }) : Promise.resolve(undefined)),
    [api, id],
  );
  const [values, setValues] = useState<Values>(() => ({
    ...EMPTY,
    ownerId: user.role === 'owner' ? user.id : '',
  }));
  const { busy, errors, message, run } = useSubmit();
  usePageTitle(id ? `Edit ${existing.data?.title ?? 'engagement'}` : 'Register an engagement');

  // Fill the form in the same render the data arrives in, so it never paints empty first.
  const [filledFrom, setFilledFrom] = useState<unknown>();
  if (existing.data && filledFrom !== existing.data) {
    setFilledFrom(existing.data);
    setValues(fromEngagement(existing.data));
  }

  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const toggleSystem = (sid: string, on: boolean) =>
    setValues((v) => ({
      ...v,
      systemIds: on ? [...v.systemIds, sid] : v.systemIds.filter((x) => x !== sid),
    }));

  const submit = async () => {
    const saved = await run(() => {
      if (id)
        return api.engagements.update(id, {
          title: values.title,
          task: values.task,
          systemIds: values.systemIds,
          ...(values.startDate ? { startDate: values.startDate } : {}),
          endDate: values.endDate || null,
        });
      const body = {
        title: values.title,
        task: values.task,
        systemIds: values.systemIds,
        ...(values.vendorId ? { vendorId: values.vendorId } : {}),
        ...(values.ownerId ? { ownerId: values.ownerId } : {}),
        ...(values.startDate ? { startDate: values.startDate } : {}),
        ...(values.endDate ? { endDate: values.endDate } : {}),
      } as NewEngagement;
      return api.engagements.create(body);
    });
    if (saved) {
      directory.refresh();
      navigate(`/engagements/${saved.id}`);
    }
  };

  const systemsError = messageFor(errors, 'systemIds');
  if (id && existing.status === 'error')
    return <ErrorNotice error={existing.error} onRetry={existing.reload} />;
  return (
    <>
      <PageHeader
        back={
          id
            ? { to: `/engagements/${id}`, label: existing.data?.title ?? 'Engagement' }
            : { to: '/engagements', label: 'Engagements' }
        }
        title={id ? `Edit ${existing.data?.title ?? 'engagement'}` : 'Register an engagement'}
        description={
          id
            ? undefined
            : 'A piece of outsourced work, with the vendor doing it and the in-house person who answers for it.'
        }
      />
      {id && !existing.data ? (
        <Skeleton lines={8} />
      ) : (
        <form
          className="form card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormErrors errors={errors} fields={FIELDS} message={message} />
          <TextField
            label="Title"
            name="title"
            required
            value={values.title}
            onChange={(e) => set('title', e.target.value)}
            error={errors['title']}
          />
          <TextArea
            label="Task"
            name="task"
            value={values.task}
            onChange={(e) => set('task', e.target.value)}
            error={errors['task']}
            hint="What the vendor does, and what it delivers."
          />
          <div className="form__row">
            {id ? (
              <p className="field">
                <span className="field__label">Vendor</span>
                <span>{vendors.byId.get(values.vendorId)?.legalName ?? '…'}</span>
              </p>
            ) : (
              <SelectField
                label="Vendor"
                name="vendorId"
                required
                value={values.vendorId}
                placeholder={vendors.loading ? 'Loading vendors…' : 'Choose a vendor'}
                options={vendors.items.map((v) => ({ value: v.id, label: v.legalName }))}
                onChange={(e) => set('vendorId', e.target.value)}
                error={errors['vendorId']}
              />
            )}
            {id ? (
              <p className="field">
                <span className="field__label">Accountable owner</span>
                <span>
                  {existing.data ? <UserName id={existing.data.ownerId} /> : null} ·{' '}
                  <Link to={`/engagements/${id}`}>Transfer from the engagement’s page</Link>
                </span>
              </p>
            ) : (
              <OwnerSelect
                value={values.ownerId}
                onChange={(v) => set('ownerId', v)}
                error={errors['ownerId']}
              />
            )}
          </div>
          <div className="form__row">
            <TextField
              label="Start date"
              name="startDate"
              type="date"
              required
              value={values.startDate}
              onChange={(e) => set('startDate', e.target.value)}
              error={errors['startDate']}
            />
            <TextField
              label="End date"
              name="endDate"
              type="date"
              value={values.endDate}
              onChange={(e) => set('endDate', e.target.value)}
              error={errors['endDate']}
              hint="Leave empty for open-ended work."
            />
          </div>
          <fieldset
            className={`fieldset${systemsError ? ' field--invalid' : ''}`}
            aria-describedby={systemsError ? 'systemIds-error' : undefined}
          >
            <legend>AI systems used in this engagement</legend>
            {systemsError ? (
              <p id="systemIds-error" className="field__error">
                {systemsError}
              </p>
            ) : null}
            {systems.loading ? (
              <Skeleton lines={2} />
            ) : systems.items.length === 0 ? (
              <p className="muted">No AI systems are registered.</p>
            ) : (
              <div className="choices choices--columns">
                {systems.items.map((s) => (
                  <div className="check" key={s.id}>
                    <input
                      id={`sys-${s.id}`}
                      type="checkbox"
                      checked={values.systemIds.includes(s.id)}
                      onChange={(e) => toggleSystem(s.id, e.target.checked)}
                    />
                    <label htmlFor={`sys-${s.id}`}>{s.name}</label>
                  </div>
                ))}
              </div>
            )}
          </fieldset>
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Saving…' : id ? 'Save changes' : 'Register engagement'}
            </button>
            <Link className="button button--secondary" to={id ? `/engagements/${id}` : '/engagements'}>
              Cancel
            </Link>
          </div>
        </form>
      )}
    </>
  );
}
