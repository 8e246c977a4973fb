// Submitting a form to the API: busy flag, field errors from the API's issues, and a form-level
// message for refusals that name no field.
import { useState } from 'react';
import { ApiError, describeError, type FieldErrors } from '../api/errors.ts';

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string>();

  async function run<T>(action: () => Promise<T>, prefix = ''): Promise<T | undefined> {
    setBusy(true);
    setErrors({});
    setMessage(undefined);
    try {
      return await action();
    } catch (e) {
      const fields = e instanceof ApiError ? e.fieldErrors(prefix) : {};
      setErrors(fields);
      if (Object.keys(fields).length === 0) setMessage(describeError(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, message, run, setErrors, setMessage };
}
