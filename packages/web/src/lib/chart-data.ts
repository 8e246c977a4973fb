// Counts of AI systems by lifecycle status and risk tier, for the home page chart and its table.
import type { SystemView } from '@oversight/contract';
import {
  keysOf,
  RISK_TIER_LABELS,
  SYSTEM_STATUS_LABELS,
  type RiskTierValue,
  type SystemStatusValue,
} from './labels.ts';

export type TierKey = RiskTierValue | 'unclassified';
export const TIER_KEYS: TierKey[] = [...keysOf(RISK_TIER_LABELS), 'unclassified'];
export const STATUS_KEYS: SystemStatusValue[] = keysOf(SYSTEM_STATUS_LABELS);

export function tierLabel(tier: TierKey): string {
  return tier === 'unclassified' ? 'Unclassified' : RISK_TIER_LABELS[tier];
}

/** counts[tier][statusIndex]: how many systems of each tier are in each status. */
export function countByStatusAndTier(
  systems: readonly Pick<SystemView, 'status' | 'riskTier'>[],
): Record<TierKey, number[]> {
  const counts = Object.fromEntries(TIER_KEYS.map((t) => [t, STATUS_KEYS.map(() => 0)])) as Record<
    TierKey,
    number[]
  >;
  for (const s of systems) {
    const row = counts[s.riskTier ?? 'unclassified'];
    const i = STATUS_KEYS.indexOf(s.status);
    if (i >= 0) row[i] = (row[i] ?? 0) + 1;
  }
  return counts;
}
