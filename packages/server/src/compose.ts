import { join } from 'node:path';
import type { Config } from './config.ts';
import { createIdentityService, assertAllowed } from './modules/identity/identity-service.ts';
import type { Actor } from './modules/identity/identity-types.ts';
import type { Action } from './modules/identity/policy.ts';
import { createLedgerService } from './modules/ledger/ledger-service.ts';
import { createRegistryService } from './modules/registry/registry-service.ts';
import { createOverviewService } from './modules/registry/overview-service.ts';
import { createTrustService } from './modules/trust/trust-service.ts';
import { loadMasterKey, type MasterKey } from './modules/vault/master-key.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { Store } from './store.ts';
import { openStore } from './storage/open-store.ts';

/** Builds every service on one store. The only place that wires modules together. */
export function composeServices(
  store: Store,
  deps: { clock?: Clock; masterKey: MasterKey; originHost: string; sessionTtlHours?: number },
) {
  const clock = deps.clock ?? systemClock;
  const ledger = createLedgerService({
    store,
    clock,
    masterKey: deps.masterKey,
    originHost: deps.originHost,
  });
  const identity = createIdentityService({
    store,
    clock,
    ledger,
    sessionTtlHours: deps.sessionTtlHours ?? 12,
  });
  const registry = createRegistryService({ store, clock, ledger });
  const trust = createTrustService({ store, clock, ledger });
  const overview = createOverviewService({ store, clock, registry, ledger });
  return {
    store,
    clock,
    ledger,
    identity,
    registry,
    trust,
    overview,
    /** Ledger reads are open to staff; the policy decides. */
    ledgerAccess(actor: Actor, action: Action = 'ledger.read') {
      assertAllowed(actor, action);
    },
  };
}

export type Services = ReturnType<typeof composeServices>;

/** Config -> store (migrated) -> services. */
export async function composeFromConfig(config: Config) {
  const { key } = loadMasterKey({
    env: config.env,
    development: config.development,
    devKeyPath: join(config.dataDir, 'master.key'),
  });
  const store = openStore(config.storage);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return composeServices(store, {
    masterKey: key,
    originHost: config.originHost,
    sessionTtlHours: config.sessionTtlHours,
  });
}
