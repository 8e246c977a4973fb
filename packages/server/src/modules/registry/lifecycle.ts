import type { AiSystem } from './registry-types.ts';

export type LifecycleAction = 'approve' | 'go_live' | 'retire';
export type LifecycleResult = { ok: true; value: AiSystem } | { ok: false; reason: string };

/**
 * proposed -> approved -> live -> retired. Approval is the accountable owner's, needs a risk
 * classification and is refused for prohibited practices; going live needs an approval given by
 * the current owner (a transfer after approval means the new owner must approve again).
 */
export function applyLifecycle(
  system: AiSystem,
  action: LifecycleAction,
  actorId: string,
  at: string,
): LifecycleResult {
  switch (action) {
    case 'approve':
      if (system.status !== 'proposed')
        return { ok: false, reason: `only a proposed system can be approved (it is ${system.status})` };
      if (!system.riskTier)
        return { ok: false, reason: 'classify the system under the EU AI Act before approving it' };
      if (system.riskTier === 'prohibited')
        return { ok: false, reason: 'a system classified as a prohibited practice cannot be approved' };
      return {
        ok: true,
        value: { ...system, status: 'approved', approvedBy: actorId, approvedAt: at, updatedAt: at },
      };
    case 'go_live':
      if (system.status !== 'approved')
        return { ok: false, reason: `only an approved system can go live (it is ${system.status})` };
      if (system.approvedBy !== system.ownerId)
        return { ok: false, reason: 'the current accountable owner has not approved this system' };
      if (system.riskTier === 'prohibited')
        return { ok: false, reason: 'a prohibited practice cannot go live' };
      return { ok: true, value: { ...system, status: 'live', updatedAt: at } };
    case 'retire':
      if (system.status === 'retired') return { ok: false, reason: 'the system is already retired' };
      return { ok: true, value: { ...system, status: 'retired', updatedAt: at } };
  }
}

/** After a change of owner or risk tier, an approval that has not yet led to go-live lapses. */
export function withLapsedApproval(system: AiSystem): AiSystem {
  return system.status === 'approved'
    ? { ...system, status: 'proposed', approvedBy: null, approvedAt: null }
    : system;
}
