// Filter controls of list pages, laid out in one toolbar.
import type { ReactNode } from 'react';
import { SelectField, type Option } from './fields.tsx';

export function FilterBar({
  children,
  onClear,
  active,
}: {
  children: ReactNode;
  onClear: () => void;
  active: boolean;
}) {
  return (
    <form className="filters" role="search" aria-label="Filter the list" onSubmit={(e) => e.preventDefault()}>
      {children}
      <div className="filters__clear">
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={onClear}
          disabled={!active}
        >
          Clear filters
        </button>
      </div>
    </form>
  );
}

export function FilterSelect({
  label,
  name,
  value,
  options,
  onChange,
  anyLabel = 'Any',
}: {
  label: string;
  name: string;
  value: string | undefined;
  options: Option[];
  onChange: (value: string | undefined) => void;
  anyLabel?: string;
}) {
  return (
    <SelectField
      label={label}
      name={name}
      value={value ?? ''}
      options={options}
      placeholder={anyLabel}
      onChange={(e) => onChange(e.target.value || undefined)}
    />
  );
}
