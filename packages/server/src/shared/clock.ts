/** The source of time for services, so tests can fix it. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** ISO-8601 UTC with milliseconds; lexicographic order equals time order. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
