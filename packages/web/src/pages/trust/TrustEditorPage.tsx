// Admin editor for the public trust portal's content, with the API's field messages next to
// each field (including fields inside repeated rows, such as dataCollected.2.purpose).
import type { TrustContent } from '@oversight/contract';
import { useState } from 'react';
import type { TrustContentInput } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import { useSession } from '../../app/session.tsx';
import { useAsync, usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { CheckboxField, FormErrors, TextArea, TextField } from '../../components/fields.tsx';
import { Card, ErrorNotice, Notice, PageHeader, Skeleton } from '../../components/ui.tsx';
import { formatDateTime } from '../../lib/format.ts';

type Row = Record<string, string>;
type Values = {
  published: boolean;
  intro: string;
  dataCollected: Row[];
  protections: Row[];
  customerAdvice: Row[];
  contactEmail: string;
  dpoName: string;
  supervisoryAuthority: string;
  supervisoryAuthorityUrl: string;
  steps: Row[];
};

const EMPTY: Values = {
  published: false,
  intro: '',
  dataCollected: [],
  protections: [],
  customerAdvice: [],
  contactEmail: '',
  dpoName: '',
  supervisoryAuthority: '',
  supervisoryAuthorityUrl: '',
  steps: [],
};

function fromContent(c: TrustContent): Values {
  return {
    published: c.published,
    intro: c.intro,
    dataCollected: c.dataCollected.map((r) => ({ ...r })),
    protections: c.protections.map((r) => ({ ...r })),
    customerAdvice: c.customerAdvice.map((r) => ({ ...r })),
    contactEmail: c.recourse.contactEmail ?? '',
    dpoName: c.recourse.dpoName ?? '',
    supervisoryAuthority: c.recourse.supervisoryAuthority ?? '',
    supervisoryAuthorityUrl: c.recourse.supervisoryAuthorityUrl ?? '',
    steps: c.recourse.steps.map((s) => ({ text: s })),
  };
}

function toBody(v: Values): TrustContentInput {
  const opt = (key: string, value: string) => (value.trim() ? { [key]: value.trim() } : {});
  return {
    published: v.published,
    intro: v.intro,
    dataCollected: v.dataCollected as TrustContent['dataCollected'],
    protections: v.protections as TrustContent['protections'],
    customerAdvice: v.customerAdvice as TrustContent['customerAdvice'],
    recourse: {
      ...opt('contactEmail', v.contactEmail),
      ...opt('dpoName', v.dpoName),
      ...opt('supervisoryAuthority', v.supervisoryAuthority),
      ...opt('supervisoryAuthorityUrl', v.supervisoryAuthorityUrl),
      steps: v.steps.map((s) => s['text'] ?? ''),
    },
  };
}

const FIELDS = ['published', 'intro', 'dataCollected', 'protections', 'customerAdvice', 'recourse'];

export default function TrustEditorPage() {
  usePageTitle('Trust portal');
  const { api, organization } = useSession();
  const content = useAsync((signal) => api.trust.content({ signal }), [api]);
  const [values, setValues] = useState<Values>(EMPTY);
  const [savedAt, setSavedAt] = useState<string | null>();
  const [justSaved, setJustSaved] = useState(false);
  const { busy, errors, message, run } = useSubmit();

  // Fill the form in the same render the data arrives in, so it never paints empty first.
  const [filledFrom, setFilledFrom] = useState<unknown>();
  if (content.data && filledFrom !== content.data) {
    setFilledFrom(content.data);
    setValues(fromContent(content.data.content));
    setSavedAt(content.data.updatedAt);
  }

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setJustSaved(false);
  };

  const save = async () => {
    setJustSaved(false);
    const saved = await run(() => api.trust.save(toBody(values)));
    if (saved) {
      setValues(fromContent(saved.content));
      setSavedAt(saved.updatedAt);
      setJustSaved(true);
    }
  };

  const publicUrl = `/trust/${organization.slug}`;
  const notAvailable =
    content.status === 'error' && content.error instanceof ApiError && content.error.code === 'NOT_FOUND';
  return (
    <>
      <PageHeader
        title="Trust portal"
        description="What customers read on the public trust page: which data you collect and why, how you protect it, how they can protect themselves and how to seek recourse. AI systems and vendors marked public are listed automatically."
        actions={
          <a className="button button--secondary" href={publicUrl} target="_blank" rel="noopener">
            Open the public page<span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        }
      />
      {notAvailable ? (
        <ErrorNotice error={content.error} title="The trust portal is not available on this server yet" />
      ) : content.status === 'error' ? (
        <ErrorNotice error={content.error} onRetry={content.reload} />
      ) : !content.data ? (
        <Skeleton lines={12} />
      ) : (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <FormErrors errors={errors} fields={FIELDS} message={message} />
          {justSaved ? (
            <Notice>
              Saved{values.published ? ' and published' : ''}. <a href={publicUrl}>View the public page</a>.
            </Notice>
          ) : null}
          <Card title="Publication">
            <CheckboxField
              label="Published"
              name="published"
              checked={values.published}
              onChange={(e) => set('published', e.target.checked)}
              error={errors['published']}
              hint={`When published, anyone can read it at ${window.location.origin}${publicUrl}. Last saved: ${savedAt ? formatDateTime(savedAt) : 'never'}.`}
            />
            <TextArea
              label="Introduction"
              name="intro"
              rows={4}
              value={values.intro}
              onChange={(e) => set('intro', e.target.value)}
              error={errors['intro']}
            />
          </Card>

          <Card title="Data we collect and why">
            <Rows
              name="dataCollected"
              noun="data category"
              rows={values.dataCollected}
              onChange={(rows) => set('dataCollected', rows)}
              errors={errors}
              columns={[
                { key: 'category', label: 'Category', placeholder: 'e.g. Contact details' },
                { key: 'purpose', label: 'Purpose' },
                { key: 'lawfulBasis', label: 'Lawful basis', placeholder: 'e.g. Consent' },
                { key: 'retention', label: 'Kept for' },
              ]}
            />
          </Card>

          <Card title="How we protect your data">
            <Rows
              name="protections"
              noun="protection"
              rows={values.protections}
              onChange={(rows) => set('protections', rows)}
              errors={errors}
              columns={[
                { key: 'title', label: 'Title' },
                { key: 'detail', label: 'Detail', multiline: true },
              ]}
            />
          </Card>

          <Card title="Advice for customers">
            <Rows
              name="customerAdvice"
              noun="piece of advice"
              rows={values.customerAdvice}
              onChange={(rows) => set('customerAdvice', rows)}
              errors={errors}
              columns={[
                { key: 'title', label: 'Title' },
                { key: 'detail', label: 'Detail', multiline: true },
              ]}
            />
          </Card>

          <Card title="Recourse">
            <div className="form__row">
              <TextField
                label="Contact e-mail for privacy requests"
                name="recourse.contactEmail"
                type="email"
                value={values.contactEmail}
                onChange={(e) => set('contactEmail', e.target.value)}
                error={errors['recourse.contactEmail']}
              />
              <TextField
                label="Data protection officer"
                name="recourse.dpoName"
                value={values.dpoName}
                onChange={(e) => set('dpoName', e.target.value)}
                error={errors['recourse.dpoName']}
              />
            </div>
            <div className="form__row">
              <TextField
                label="Supervisory authority"
                name="recourse.supervisoryAuthority"
                value={values.supervisoryAuthority}
                onChange={(e) => set('supervisoryAuthority', e.target.value)}
                error={errors['recourse.supervisoryAuthority']}
                hint="Where customers can complain, e.g. the national data protection authority."
              />
              <TextField
                label="Supervisory authority website"
                name="recourse.supervisoryAuthorityUrl"
                type="url"
                value={values.supervisoryAuthorityUrl}
                onChange={(e) => set('supervisoryAuthorityUrl', e.target.value)}
                error={errors['recourse.supervisoryAuthorityUrl']}
                placeholder="https://"
              />
            </div>
            <Rows
              name="recourse.steps"
              noun="step"
              rows={values.steps}
              onChange={(rows) => set('steps', rows)}
              errors={errors}
              columns={[{ key: 'text', label: 'Step' }]}
              flatErrors
            />
          </Card>

          <div className="form__actions form__actions--sticky">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}

type Column = { key: string; label: string; placeholder?: string; multiline?: boolean };

/** Repeated rows of fields; errors are looked up as `<name>.<row>.<key>` (or `<name>.<row>` when flat). */
function Rows({
  name,
  noun,
  rows,
  columns,
  onChange,
  errors,
  flatErrors,
}: {
  name: string;
  noun: string;
  rows: Row[];
  columns: Column[];
  onChange: (rows: Row[]) => void;
  errors: Record<string, string>;
  flatErrors?: boolean;
}) {
  const update = (i: number, key: string, value: string) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const listError = errors[name];
  return (
    <div className="rows">
      {listError ? <p className="field__error">{listError}</p> : null}
      {rows.length === 0 ? <p className="muted">None yet.</p> : null}
      {rows.map((row, i) => (
        <fieldset className="repeat-row" key={i}>
          <legend className="repeat-row__legend">
            {noun.charAt(0).toUpperCase() + noun.slice(1)} {i + 1}
          </legend>
          <button
            type="button"
            className="button button--ghost button--small repeat-row__remove"
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
            <span className="visually-hidden">
              {' '}
              {noun} {i + 1}
            </span>
          </button>
          <div className="repeat-row__fields">
            {columns.map((c) => {
              const path = flatErrors ? `${name}.${i}` : `${name}.${i}.${c.key}`;
              return c.multiline ? (
                <TextArea
                  key={c.key}
                  className="field--wide"
                  label={c.label}
                  name={path}
                  rows={2}
                  value={row[c.key] ?? ''}
                  onChange={(e) => update(i, c.key, e.target.value)}
                  error={errors[path]}
                />
              ) : (
                <TextField
                  key={c.key}
                  label={c.label}
                  name={path}
                  value={row[c.key] ?? ''}
                  placeholder={c.placeholder}
                  onChange={(e) => update(i, c.key, e.target.value)}
                  error={errors[path]}
                />
              );
            })}
          </div>
        </fieldset>
      ))}
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => onChange([...rows, Object.fromEntries(columns.map((c) => [c.key, '']))])}
      >
        Add a {noun}
      </button>
    </div>
  );
}
