import { useState } from 'react';
import type { NewUser } from '../../api/client.ts';
import { useDirectory } from '../../app/directory.tsx';
import { useVendors } from '../../app/lookups.ts';
import { Link, useNavigate } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { usePageTitle } from '../../app/use-async.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { FormErrors, SelectField, TextField } from '../../components/fields.tsx';
import { PageHeader } from '../../components/ui.tsx';
import { keysOf, ROLE_LABELS } from '../../lib/labels.ts';

const ROLE_HINTS = {
  admin: 'Configures the organisation, people and keys; can be an accountable owner.',
  owner: 'Accountable for AI systems, vendors or engagements; signs off their work.',
  auditor: 'Reads everything except raw personal data; verifies the ledger.',
  vendor: 'A person at an outside provider; sees only their own company’s records.',
};

export function UserFormPage() {
  usePageTitle('Add a person');
  const { api } = useSession();
  const navigate = useNavigate();
  const directory = useDirectory();
  const vendors = useVendors();
  const [values, setValues] = useState({ email: '', name: '', role: '', vendorId: '', password: '' });
  const { busy, errors, message, run } = useSubmit();
  const set = (key: keyof typeof values, value: string) => setValues((v) => ({ ...v, [key]: value }));

  const submit = async () => {
    const body = {
      email: values.email.trim(),
      name: values.name,
      ...(values.role ? { role: values.role } : {}),
      ...(values.vendorId ? { vendorId: values.vendorId } : {}),
      ...(values.password ? { password: values.password } : {}),
    } as NewUser;
    const created = await run(() => api.users.create(body));
    if (created) {
      directory.refresh();
      navigate(`/users/${created.id}`);
    }
  };

  return (
    <>
      <PageHeader back={{ to: '/users', label: 'People' }} title="Add a person" />
      <form
        className="form card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <FormErrors
          errors={errors}
          fields={['email', 'name', 'role', 'vendorId', 'password']}
          message={message}
        />
        <div className="form__row">
          <TextField
            label="Name"
            name="name"
            required
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            error={errors['name']}
          />
          <TextField
            label="E-mail"
            name="email"
            type="email"
            required
            autoComplete="off"
            value={values.email}
            onChange={(e) => set('email', e.target.value)}
            error={errors['email']}
          />
        </div>
        <SelectField
          label="Role"
          name="role"
          required
          value={values.role}
          placeholder="Choose a role"
          options={keysOf(ROLE_LABELS).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          onChange={(e) => set('role', e.target.value)}
          error={errors['role']}
          hint={
            values.role in ROLE_HINTS
              ? ROLE_HINTS[values.role as keyof typeof ROLE_HINTS]
              : 'What the person may do.'
          }
        />
        {values.role === 'vendor' || errors['vendorId'] ? (
          <SelectField
            label="Vendor"
            name="vendorId"
            required={values.role === 'vendor'}
            value={values.vendorId}
            placeholder={vendors.loading ? 'Loading vendors…' : 'Choose the vendor they work for'}
            options={vendors.items.map((v) => ({ value: v.id, label: v.legalName }))}
            onChange={(e) => set('vendorId', e.target.value)}
            error={errors['vendorId']}
          />
        ) : null}
        <TextField
          label="Initial password (optional)"
          name="password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={(e) => set('password', e.target.value)}
          error={errors['password']}
          hint="At least 12 characters. Leave empty for a person who will only use API keys."
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Adding…' : 'Add person'}
          </button>
          <Link className="button button--secondary" to="/users">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
