// Labelled form controls. Each shows its hint and the API's message for its field, wired with
// aria-describedby / aria-invalid so screen readers read the message with the control.
import {
  useEffect,
  useId,
  useRef,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import type { FieldErrors } from '../api/errors.ts';
import { unclaimedErrors } from '../api/errors.ts';

type Common = {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
};

function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids || undefined;
}

function FieldFrame({
  id,
  label,
  hint,
  error,
  required,
  className,
  children,
}: Common & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
        {required ? <span className="field__required"> (required)</span> : null}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = Common & Omit<InputHTMLAttributes<HTMLInputElement>, 'required'> & { name: string };

export function TextField({ label, error, hint, required, className, id, name, ...rest }: InputProps) {
  const auto = useId();
  const fid = id ?? `${auto}-${name}`;
  return (
    <FieldFrame
      id={fid}
      label={label}
      hint={hint}
      error={error}
      required={required ?? false}
      className={className ?? ''}
    >
      <input
        id={fid}
        name={name}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...rest}
      />
    </FieldFrame>
  );
}

type AreaProps = Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'required'> & { name: string };

export function TextArea({
  label,
  error,
  hint,
  required,
  className,
  id,
  name,
  rows = 3,
  ...rest
}: AreaProps) {
  const auto = useId();
  const fid = id ?? `${auto}-${name}`;
  return (
    <FieldFrame
      id={fid}
      label={label}
      hint={hint}
      error={error}
      required={required ?? false}
      className={className ?? ''}
    >
      <textarea
        id={fid}
        name={name}
        rows={rows}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...rest}
      />
    </FieldFrame>
  );
}

export type Option = { value: string; label: string };
type SelectProps = Common &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'required'> & {
    name: string;
    options: Option[];
    placeholder?: string;
  };

export function SelectField({
  label,
  error,
  hint,
  required,
  className,
  id,
  name,
  options,
  placeholder,
  ...rest
}: SelectProps) {
  const auto = useId();
  const fid = id ?? `${auto}-${name}`;
  return (
    <FieldFrame
      id={fid}
      label={label}
      hint={hint}
      error={error}
      required={required ?? false}
      className={className ?? ''}
    >
      <select
        id={fid}
        name={name}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(fid, hint, error)}
        {...rest}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & {
  label: ReactNode;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
};

export function CheckboxField({ label, error, hint, id, name, className, ...rest }: CheckboxProps) {
  const auto = useId();
  const fid = id ?? `${auto}-${name}`;
  return (
    <div className={`field field--check${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="check">
        <input
          id={fid}
          name={name}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(fid, hint, error)}
          {...rest}
        />
        <label htmlFor={fid}>{label}</label>
      </div>
      {hint ? (
        <p id={`${fid}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${fid}-error`} className="field__error">
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The problems of a failed submit, at the top of the form: messages for fields the form does
 * not show (or for no field), and a count of the field messages shown below. Focused when it
 * appears so keyboard and screen-reader users learn what went wrong.
 */
export function FormErrors({
  errors,
  fields,
  message,
}: {
  errors: FieldErrors;
  fields: readonly string[];
  message?: string | undefined;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const general = unclaimedErrors(errors, fields);
  const fieldCount = Object.keys(errors).filter((k) =>
    fields.some((f) => k === f || k.startsWith(`${f}.`)),
  ).length;
  const visible = general.length > 0 || fieldCount > 0 || !!message;
  const signature = `${message ?? ''}|${Object.entries(errors).join(';')}`;
  useEffect(() => {
    if (visible) ref.current?.focus();
  }, [visible, signature]);
  if (!visible) return null;
  return (
    <div ref={ref} className="alert alert--error" role="alert" tabIndex={-1}>
      <p className="alert__title">
        {message && general.length === 0 && fieldCount === 0
          ? message
          : fieldCount > 0
            ? `Please correct ${fieldCount === 1 ? 'the field' : `${fieldCount} fields`} marked below.`
            : 'The request was refused.'}
      </p>
      {general.length > 0 ? (
        <ul>
          {general.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
