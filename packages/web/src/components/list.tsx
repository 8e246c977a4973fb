// The shared machinery of list pages: filters in the URL (shareable, survive reload), cursor
// pagination with a back stack kept in the history entry, a debounced search box and the table.
import type { Page } from '@oversight/contract';
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useRouter, useSearchParams } from '../app/router.tsx';
import { useAsync } from '../app/use-async.ts';
import {
  currentCursor,
  nextPage,
  pageNumber,
  pageRange,
  previousPage,
  type CursorStack,
} from '../lib/pagination.ts';
import { ErrorNotice, Skeleton } from './ui.tsx';

export const PAGE_SIZE = 25;

function cursorsOf(state: unknown): CursorStack {
  if (typeof state === 'object' && state !== null && 'cursors' in state && Array.isArray(state.cursors))
    return state.cursors.filter((c): c is string => typeof c === 'string');
  return [];
}

/** Filters from the URL, the current page from the API, and the actions that change them. */
export function useListPage<T>(
  filterKeys: readonly string[],
  load: (query: Record<string, string | number | undefined>, signal: AbortSignal) => Promise<Page<T>>,
) {
  const { location } = useRouter();
  const [params, setParams] = useSearchParams();
  const cursors = cursorsOf(location.state);
  const filters: Record<string, string> = {};
  for (const k of filterKeys) {
    const v = params.get(k);
    if (v) filters[k] = v;
  }
  const cursor = currentCursor(cursors);
  const page = useAsync(
    (signal) => load({ ...filters, limit: PAGE_SIZE, cursor }, signal),
    [location.search, cursor],
  );
  return {
    filters,
    page,
    cursors,
    setFilter: (key: string, value: string | undefined) => setParams({ [key]: value }, { cursors: [] }),
    clearFilters: () => setParams(Object.fromEntries(filterKeys.map((k) => [k, undefined])), { cursors: [] }),
    next: () => {
      if (page.data) setParams({}, { cursors: nextPage(cursors, page.data.nextCursor) });
    },
    previous: () => setParams({}, { cursors: previousPage(cursors) }),
  };
}

/** A search input that reports its value after the user pauses typing. */
export function SearchBox({
  value,
  onSearch,
  label,
}: {
  value: string;
  onSearch: (q: string) => void;
  label: string;
}) {
  const [text, setText] = useState(value);
  const id = useId();
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = window.setTimeout(() => onSearch(text.trim()), 350);
    return () => window.clearTimeout(t);
  }, [text, value, onSearch]);
  return (
    <div className="field field--search">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onSearch(text.trim());
          }
        }}
      />
    </div>
  );
}

export function Pagination({
  cursors,
  shown,
  total,
  nextCursor,
  onNext,
  onPrevious,
  noun,
}: {
  cursors: CursorStack;
  shown: number;
  total: number;
  nextCursor: string | null;
  onNext: () => void;
  onPrevious: () => void;
  noun: string;
}) {
  const range = pageRange(cursors, shown, PAGE_SIZE, total);
  return (
    <nav className="pagination" aria-label={`Pages of ${noun}`}>
      <p className="pagination__status" aria-live="polite">
        {total === 0
          ? `No ${noun}`
          : `Showing ${range.from}–${range.to} of ${total} ${noun} · page ${pageNumber(cursors)}`}
      </p>
      <div className="pagination__buttons">
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={onPrevious}
          disabled={cursors.length === 0}
        >
          <span aria-hidden="true">‹ </span>Previous
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={onNext}
          disabled={nextCursor === null}
        >
          Next<span aria-hidden="true"> ›</span>
        </button>
      </div>
    </nav>
  );
}

/** The result region of a list: skeleton while the first page loads, errors, empty state or the table. */
export function ListResults<T>({
  page,
  empty,
  children,
  noun,
  cursors,
  onNext,
  onPrevious,
  pending = false,
}: {
  /** True while names the table shows (people, vendors) are still loading: keep the placeholder. */
  pending?: boolean;
  page: ReturnType<typeof useListPage<T>>['page'];
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
  noun: string;
  cursors: CursorStack;
  onNext: () => void;
  onPrevious: () => void;
}) {
  const data = page.data;
  return (
    <div className="list-results" aria-busy={page.status === 'loading'}>
      {page.status === 'error' ? <ErrorNotice error={page.error} onRetry={page.reload} /> : null}
      {data === undefined || pending ? (
        page.status === 'error' ? null : (
          <Skeleton lines={8} label={`Loading ${noun}…`} />
        )
      ) : data.items.length === 0 ? (
        <div className="empty">{empty}</div>
      ) : (
        <div className={page.status === 'loading' ? 'is-refreshing' : undefined}>{children(data.items)}</div>
      )}
      {data && !pending ? (
        <Pagination
          cursors={cursors}
          shown={data.items.length}
          total={data.total}
          nextCursor={data.nextCursor}
          onNext={onNext}
          onPrevious={onPrevious}
          noun={noun}
        />
      ) : null}
    </div>
  );
}
