// Cursor pagination. The API gives only the cursor of the next page, so going back needs the
// stack of cursors that led to the current page: [] is the first page.

export type CursorStack = readonly string[];

/** The cursor to request the current page with (undefined for the first page). */
export function currentCursor(stack: CursorStack): string | undefined {
  return stack.at(-1);
}

/** Moves to the next page. */
export function nextPage(stack: CursorStack, nextCursor: string | null): CursorStack {
  return nextCursor === null ? stack : [...stack, nextCursor];
}

/** Moves to the previous page (stays on the first page). */
export function previousPage(stack: CursorStack): CursorStack {
  return stack.slice(0, -1);
}

/** 1-based page number. */
export function pageNumber(stack: CursorStack): number {
  return stack.length + 1;
}

/**
 * "Showing 51–100 of 123": the range of the items on this page, assuming each earlier page was
 * full (`limit` items), which holds for the API's keyset pagination.
 */
export function pageRange(
  stack: CursorStack,
  shown: number,
  limit: number,
  total: number,
): { from: number; to: number; total: number } {
  if (shown === 0) return { from: 0, to: 0, total };
  const from = stack.length * limit + 1;
  return { from, to: from + shown - 1, total };
}

/** Ledger pages go backwards in index order: `before` is exclusive, undefined means "newest". */
export type BeforeStack = readonly (number | undefined)[];

export function ledgerCurrent(stack: BeforeStack): number | undefined {
  return stack.length === 0 ? undefined : stack[stack.length - 1];
}
