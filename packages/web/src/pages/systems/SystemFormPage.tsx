import type { SystemView } from '@oversight/contract';
import { useState } from 'react';
import type { NewSystem } from '../../api/client.ts';
import { messageFor } from '../../api/errors.ts';
import { useVendors } from '../../app/lookups.ts';
import { useDirectory } from '../../app/directory.tsx';
import { Link, useNavigate } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { CheckboxField, FormErrors, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import { OwnerSelect, UserName } from '../../components/people.tsx';
import { ErrorNotice, PageHeader, Skeleton } from '../../components/ui.tsx';
import { splitList } from '../../lib/format.ts';
import { keysOf, SYSTEM_KIND_LABELS } from '../../lib/labels.ts';

type Values = {
  name: string;
  description: string;
  purpose: string;
  kind: string;
  vendorId: string;
  ownerId: string;
  decidesAboutCustomers: boolean;
  public: boolean;
  tags: string;
};

const EMPTY: Values = {
  name: '',
  description: '',
  purpose: '',
  kind: '',
  vendorId: '',
  ownerId: '',
  decidesAboutCustomers: false,
  public: false,
  tags: '',
};

function fromSystem(s: SystemView): Values {
  return { ...s, vendorId: s.vendorId ?? '', tags: s.tags.join(', ') };
}

const FIELDS = [
  'name',
  'description',
  'purpose',
  'kind',
  'vendorId',
  'ownerId',
  'decidesAboutCustomers',
  'public',
  'tags',
];

export function SystemFormPage({ params }: { params: Record<string, string> }) {
  const id = params['id'];
  const { api, user } = useSession();
  const navigate = useNavigate();
  const directory = useDirectory();
  const vendors = useVendors();
  const existing = useAsync(
    (signal) => (id ? api.systems.get(id, { signal }) : Promise.resolve(undefined)),
    [api, id],
  );
  const [values, setValues] = useState<Values>(() => ({
    ...EMPTY,
    ownerId: user.role === 'owner' ? user.id : '',
  }));
  const { busy, errors, message, run } = useSubmit();
  usePageTitle(id ? `Edit ${existing.data?.name ?? 'AI system'}` : 'Register an AI system');

  // Fill the form in the same render the data arrives in, so it never paints empty first.
  const [filledFrom, setFilledFrom] = useState<unknown>();
  if (existing.data && filledFrom !== existing.data) {
    setFilledFrom(existing.data);
    setValues(fromSystem(existing.data));
  }

  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const submit = async () => {
    const common = {
      name: values.name,
      description: values.description,
      purpose: values.purpose,
      decidesAboutCustomers: values.decidesAboutCustomers,
      public: values.public,
      tags: splitList(values.tags),
    };
    const saved = await run(() => {
      if (id) {
        return api.systems.update(id, {
          ...common,
          ...(values.kind ? { kind: values.kind as SystemView['kind'] } : {}),
          vendorId: values.vendorId || null,
        });
      }
      // Empty choices are sent as absent so the API names the missing field.
      const body = {
        ...common,
        ...(values.kind ? { kind: values.kind } : {}),
        ...(values.vendorId ? { vendorId: values.vendorId } : {}),
        ...(values.ownerId ? { ownerId: values.ownerId } : {}),
      } as NewSystem;
      return api.systems.create(body);
    });
    if (saved) {
      directory.refresh();
      navigate(`/systems/${saved.id}`);
    }
  };

  if (id && existing.status === 'error')
    return <ErrorNotice error={existing.error} onRetry={existing.reload} />;
  return (
    <>
      <PageHeader
        back={
          id
            ? { to: `/systems/${id}`, label: existing.data?.name ?? 'AI system' }
            : { to: '/systems', label: 'AI systems' }
        }
        title={id ? `Edit ${existing.data?.name ?? 'AI system'}` : 'Register an AI system'}
        description={
          id
            ? undefined
            : 'Every AI system needs an accountable in-house owner. Classify it under the EU AI Act after registering.'
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
            label="Name"
            name="name"
            required
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            error={errors['name']}
          />
          <TextField
            label="Purpose"
            name="purpose"
            value={values.purpose}
            onChange={(e) => set('purpose', e.target.value)}
            error={errors['purpose']}
            hint="What the organisation uses it for, in one line. Shown on the trust portal when the system is public."
          />
          <TextArea
            label="Description"
            name="description"
            value={values.description}
            onChange={(e) => set('description', e.target.value)}
            error={errors['description']}
          />
          <div className="form__row">
            <SelectField
              label="Kind"
              name="kind"
              required
              value={values.kind}
              placeholder="Choose a kind"
              options={keysOf(SYSTEM_KIND_LABELS).map((k) => ({ value: k, label: SYSTEM_KIND_LABELS[k] }))}
              onChange={(e) => set('kind', e.target.value)}
              error={errors['kind']}
            />
            <SelectField
              label="Vendor"
              name="vendorId"
              value={values.vendorId}
              placeholder={vendors.loading ? 'Loading vendors…' : 'None — built or run in-house'}
              options={vendors.items.map((v) => ({ value: v.id, label: v.legalName }))}
              onChange={(e) => set('vendorId', e.target.value)}
              error={errors['vendorId']}
            />
          </div>
          {id ? (
            <p className="field">
              <span className="field__label">Accountable owner</span>
              <span>
                {existing.data ? <UserName id={existing.data.ownerId} /> : null} ·{' '}
                <Link to={`/systems/${id}`}>Transfer ownership from the system’s page</Link>
              </span>
            </p>
          ) : (
            <OwnerSelect
              value={values.ownerId}
              onChange={(v) => set('ownerId', v)}
              error={errors['ownerId']}
            />
          )}
          <TextField
            label="Tags"
            name="tags"
            value={values.tags}
            onChange={(e) => set('tags', e.target.value)}
            error={messageFor(errors, 'tags')}
            hint="Separate tags with commas, e.g. sales, scoring."
          />
          <CheckboxField
            label="Makes or supports decisions about individual customers"
            name="decidesAboutCustomers"
            checked={values.decidesAboutCustomers}
            onChange={(e) => set('decidesAboutCustomers', e.target.checked)}
            error={errors['decidesAboutCustomers']}
          />
          <CheckboxField
            label="Show on the public trust portal"
            name="public"
            checked={values.public}
            onChange={(e) => set('public', e.target.checked)}
            error={errors['public']}
            hint="Customers see its name, purpose, kind and risk tier."
          />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Saving…' : id ? 'Save changes' : 'Register AI system'}
            </button>
            <Link className="button button--secondary" to={id ? `/systems/${id}` : '/systems'}>
              Cancel
            </Link>
          </div>
        </form>
      )}
    </>
  );
}
