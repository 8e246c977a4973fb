import { useState } from 'react';
import { ApiError, describeError, type FieldErrors } from '../api/errors.ts';
import { useSessionContext } from '../app/session.tsx';
import { usePageTitle } from '../app/use-async.ts';
import { FormErrors, TextField } from '../components/fields.tsx';

export function LoginPage({ expired }: { expired: boolean }) {
  usePageTitle('Log in');
  const { api, signedIn } = useSessionContext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organization, setOrganization] = useState('');
  // The organisation field appears only when the API says the e-mail exists in several.
  const [needsOrg, setNeedsOrg] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setErrors({});
    setMessage(undefined);
    try {
      const session = await api.sessions.login({
        email: email.trim(),
        password,
        ...(needsOrg && organization.trim() ? { organization: organization.trim() } : {}),
      });
      signedIn(session);
    } catch (e) {
      if (e instanceof ApiError) {
        const fields = e.fieldErrors();
        if (fields['organization'] !== undefined) setNeedsOrg(true);
        setErrors(fields);
        if (Object.keys(fields).length === 0) setMessage(describeError(e));
      } else setMessage(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <main id="main" className="login__panel" tabIndex={-1}>
        <p className="brand brand--large">
          <span className="brand__mark" aria-hidden="true" />
          Oversight
        </p>
        <h1>Log in</h1>
        <p className="muted">
          Accountability for the marketing work you hand to AI systems and outside providers.
        </p>
        {expired ? (
          <div className="alert alert--info" role="status">
            Your session has ended. Log in again to continue.
          </div>
        ) : null}
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <FormErrors errors={errors} fields={['email', 'password', 'organization']} message={message} />
          <TextField
            label="E-mail"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors['email']}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors['password']}
          />
          {needsOrg ? (
            <TextField
              label="Organisation"
              name="organization"
              required
              value={organization}
              onChange={(e) => setOrganization(e.target.value)}
              error={errors['organization']}
              hint="The short name (slug) of your organisation, e.g. northwind-marketing-demo."
            />
          ) : null}
          <button type="submit" className="button button--block" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        <p className="login__footer muted">
          Developers: the <a href="/docs/api">API reference</a> describes every endpoint.
        </p>
      </main>
    </div>
  );
}
