import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store.ts';
import { assertAllowed } from '../identity/identity-service.ts';
import type { Actor } from '../identity/identity-types.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { RegistryService } from './registry-service.ts';

export type OverviewDeps = {
  store: Store;
  clock: Clock;
  registry: RegistryService;
  ledger: Pick<LedgerService, 'search'>;
};

const SOON_DAYS = 30;

/** "What needs my attention": computed from the registry and the ledger for the caller's role. */
export function createOverviewService(deps: OverviewDeps) {
  const { clock, registry, ledger } = deps;
  return {
    async overview(actor: Actor) {
      assertAllowed(actor, 'registry.read');
      const today = clock.now().toISOString().slice(0, 10);
      const soon = new Date(clock.now().getTime() + SOON_DAYS * 86_400_000).toISOString().slice(0, 10);
      const page = { limit: 50 };
      const [systems, vendors, engagements, live, unclassified, ending] = await Promise.all([
        registry.listSystems(actor, { ...page, limit: 1 }),
        registry.listVendors(actor, { ...page, limit: 200 }),
        registry.listEngagements(actor, { ...page, limit: 1 }),
        registry.listSystems(actor, { limit: 1, status: 'live' }),
        registry.listSystems(actor, { ...page, riskTier: 'unclassified' }),
        registry.listEngagements(actor, { ...page, endingBefore: soon }),
      ]);
      const mine =
        actor.type === 'user'
          ? await registry.listSystems(actor, { ...page, status: 'proposed', ownerId: actor.id })
          : { items: [] };
      const isStaff = actor.type === 'system' || actor.role !== 'vendor';
      const recent = isStaff ? await ledger.search(actor.organizationId, { limit: 15 }) : { entries: [] };
      return {
        counts: {
          systems: systems.total,
          vendors: vendors.total,
          engagements: engagements.total,
          liveSystems: live.total,
        },
        systemsNeedingClassification: unclassified.items.filter((s) => s.status !== 'retired'),
        awaitingMySignOff: mine.items.filter((s) => s.riskTier !== null && s.riskTier !== 'prohibited'),
        engagementsEndingSoon: ending.items.filter((e) => e.endDate !== null && e.endDate >= today),
        vendorsWithoutDpa: vendors.items
          .filter((v) => !v.dpaSigned)
          .map((v) => ({ id: v.id, legalName: v.legalName, ownerId: v.ownerId })),
        recentActivity: recent.entries,
      };
    },
  };
}
