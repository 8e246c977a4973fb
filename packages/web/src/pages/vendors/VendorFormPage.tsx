import type { VendorView } from '@oversight/contract';
import { useState } from 'react';
import type { NewVendor } from '../../api/client.ts';
import { messageFor } from '../../api/errors.ts';
import { useDirectory } from '../../app/directory.tsx';
import { Link, useNavigate } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { CheckboxField, FormErrors, SelectField, TextField } from '../../components/fields.tsx';
import { OwnerSelect, UserName } from '../../components/people.tsx';
import { ErrorNotice, PageHeader, Skeleton } from '../../components/ui.tsx';
import { splitList } from '../../lib/format.ts';
import { CRITICALITY_LABELS, keysOf } from '../../lib/labels.ts';

type SubProcessorRow = { name: string; location: string; purpose: string };
type Values = {
  legalName: string;
  contactName: string;
  contactEmail: string;
  criticality: string;
  ownerId: string;
  dpaSigned: boolean;
  dpaSignedAt: string;
  dataLocations: string;
  subProcessors: SubProcessorRow[];
  public: boolean;
};

const EMPTY: Values = {
  legalName: '',
  contactName: '',
  contactEmail: '',
  criticality: '',
  ownerId: '',
  dpaSigned: false,
  dpaSignedAt: '',
  dataLocations: '',
  subProcessors: [],
  public: false,
};

function fromVendor(v: VendorView): Values {
  return {
    legalName: v.legalName,
    contactName: v.contactName,
    contactEmail: v.contactEmail,
    criticality: v.criticality,
    ownerId: v.ownerId,
    dpaSigned: v.dpaSigned,
    dpaSignedAt: v.dpaSignedAt ?? '',
    dataLocations: v.dataLocations.join(', '),
    subProcessors: v.subProcessors.map((p) => ({ ...p })),
    public: v.public,
  };
}

const FIELDS = [
  'legalName',
  'contactName',
  'contactEmail',
  'criticality',
  'ownerId',
  'dpaSigned',
  'dpaSignedAt',
  'dataLocations',
  'subProcessors',
  'public',
];

export function VendorFormPage({ params }: { params: Record<string, string> }) {
  const id = params['id'];
  const { api, user } = useSession();
  const navigate = useNavigate();
  const directory = useDirectory();
  const existing = useAsync(
    (signal) => (id ? api.vendors.get(id, { signal }) : Promise.resolve(undefined)),
    [api, id],
  );
  const [values, setValues] = useState<Values>(() => ({
    ...EMPTY,
    ownerId: user.role === 'owner' ? user.id : '',
  }));
  const { busy, errors, message, run } = useSubmit();
  usePageTitle(id ? `Edit ${existing.data?.legalName ?? 'vendor'}` : 'Register a vendor');

  // Fill the form in the same render the data arrives in, so it never paints empty first.
  const [filledFrom, setFilledFrom] = useState<unknown>();
  if (existing.data && filledFrom !== existing.data) {
    setFilledFrom(existing.data);
    setValues(fromVendor(existing.data));
  }

  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const setRow = (i: number, key: keyof SubProcessorRow, value: string) =>
    setValues((v) => ({
      ...v,
      subProcessors: v.subProcessors.map((r, j) => (j === i ? { ...r, [key]: value } : r)),
    }));

  const submit = async () => {
    const common = {
      legalName: values.legalName,
      contactName: values.contactName,
      contactEmail: values.contactEmail,
      dpaSigned: values.dpaSigned,
      dataLocations: splitList(values.dataLocations),
      subProcessors: values.subProcessors,
      public: values.public,
      ...(values.criticality ? { criticality: values.criticality as VendorView['criticality'] } : {}),
    };
    const saved = await run(() => {
      if (id) return api.vendors.update(id, { ...common, dpaSignedAt: values.dpaSignedAt || null });
      const body = {
        ...common,
        ...(values.dpaSignedAt ? { dpaSignedAt: values.dpaSignedAt } : {}),
        ...(values.ownerId ? { ownerId: values.ownerId } : {}),
      } as NewVendor;
      return api.vendors.create(body);
    });
    if (saved) {
      directory.refresh();
      navigate(`/vendors/${saved.id}`);
    }
  };

  if (id && existing.status === 'error')
    return <ErrorNotice error={existing.error} onRetry={existing.reload} />;
  return (
    <>
      <PageHeader
        back={
          id
            ? { to: `/vendors/${id}`, label: existing.data?.legalName ?? 'Vendor' }
            : { to: '/vendors', label: 'Vendors' }
        }
        title={id ? `Edit ${existing.data?.legalName ?? 'vendor'}` : 'Register a vendor'}
        description={
          id
            ? undefined
            : 'An outside provider that works on the organisation’s behalf, with an accountable in-house owner.'
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
            label="Legal name"
            name="legalName"
            required
            value={values.legalName}
            onChange={(e) => set('legalName', e.target.value)}
            error={errors['legalName']}
          />
          <div className="form__row">
            <TextField
              label="Contact name"
              name="contactName"
              required
              value={values.contactName}
              onChange={(e) => set('contactName', e.target.value)}
              error={errors['contactName']}
            />
            <TextField
              label="Contact e-mail"
              name="contactEmail"
              type="email"
              required
              value={values.contactEmail}
              onChange={(e) => set('contactEmail', e.target.value)}
              error={errors['contactEmail']}
            />
          </div>
          <div className="form__row">
            <SelectField
              label="Criticality"
              name="criticality"
              required
              value={values.criticality}
              placeholder="Choose a level"
              options={keysOf(CRITICALITY_LABELS).map((c) => ({ value: c, label: CRITICALITY_LABELS[c] }))}
              onChange={(e) => set('criticality', e.target.value)}
              error={errors['criticality']}
              hint="How much harm a failure or breach at this vendor could do."
            />
            {id ? (
              <p className="field">
                <span className="field__label">Accountable owner</span>
                <span>
                  {existing.data ? <UserName id={existing.data.ownerId} /> : null} ·{' '}
                  <Link to={`/vendors/${id}`}>Transfer from the vendor’s page</Link>
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
          <fieldset className="fieldset">
            <legend>Data processing agreement</legend>
            <CheckboxField
              label="A data processing agreement (GDPR Art. 28) is signed"
              name="dpaSigned"
              checked={values.dpaSigned}
              onChange={(e) => set('dpaSigned', e.target.checked)}
              error={errors['dpaSigned']}
            />
            <TextField
              label="Signed on"
              name="dpaSignedAt"
              type="date"
              value={values.dpaSignedAt}
              onChange={(e) => set('dpaSignedAt', e.target.value)}
              error={errors['dpaSignedAt']}
              className="field--narrow"
            />
          </fieldset>
          <TextField
            label="Data locations"
            name="dataLocations"
            value={values.dataLocations}
            onChange={(e) => set('dataLocations', e.target.value)}
            error={messageFor(errors, 'dataLocations')}
            hint="Where the vendor stores or processes data; separate with commas, e.g. EU (Ireland), US."
          />
          <fieldset className="fieldset">
            <legend>Sub-processors</legend>
            <p className="field__hint">Companies the vendor passes the organisation’s data to.</p>
            {messageFor(errors, 'subProcessors') !== undefined && errors['subProcessors'] !== undefined ? (
              <p className="field__error">{errors['subProcessors']}</p>
            ) : null}
            {values.subProcessors.length === 0 ? <p className="muted">None declared.</p> : null}
            {values.subProcessors.map((row, i) => (
              <fieldset className="repeat-row" key={i}>
                <legend className="repeat-row__legend">Sub-processor {i + 1}</legend>
                <button
                  type="button"
                  className="button button--ghost button--small repeat-row__remove"
                  onClick={() =>
                    set(
                      'subProcessors',
                      values.subProcessors.filter((_, j) => j !== i),
                    )
                  }
                >
                  Remove<span className="visually-hidden"> sub-processor {i + 1}</span>
                </button>
                <div className="repeat-row__fields">
                  <TextField
                    label="Name"
                    name={`subProcessors.${i}.name`}
                    value={row.name}
                    onChange={(e) => setRow(i, 'name', e.target.value)}
                    error={errors[`subProcessors.${i}.name`]}
                  />
                  <TextField
                    label="Location"
                    name={`subProcessors.${i}.location`}
                    value={row.location}
                    placeholder="e.g. EU (Germany)"
                    onChange={(e) => setRow(i, 'location', e.target.value)}
                    error={errors[`subProcessors.${i}.location`]}
                  />
                  <TextField
                    label="Purpose"
                    name={`subProcessors.${i}.purpose`}
                    value={row.purpose}
                    onChange={(e) => setRow(i, 'purpose', e.target.value)}
                    error={errors[`subProcessors.${i}.purpose`]}
                  />
                </div>
              </fieldset>
            ))}
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() =>
                set('subProcessors', [...values.subProcessors, { name: '', location: '', purpose: '' }])
              }
            >
              Add a sub-processor
            </button>
          </fieldset>
          <CheckboxField
            label="Show on the public trust portal"
            name="public"
            checked={values.public}
            onChange={(e) => set('public', e.target.checked)}
            error={errors['public']}
            hint="Customers see the legal name, data locations and sub-processors."
          />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Saving…' : id ? 'Save changes' : 'Register vendor'}
            </button>
            <Link className="button button--secondary" to={id ? `/vendors/${id}` : '/vendors'}>
              Cancel
            </Link>
          </div>
        </form>
      )}
    </>
  );
}
