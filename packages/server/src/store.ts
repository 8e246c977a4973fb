import type { IdentityStore } from './modules/identity/identity-store.ts';
import type { LedgerStore } from './modules/ledger/ledger-store.ts';
import type { RegistryStore } from './modules/registry/registry-store.ts';
import type { TrustStore } from './modules/trust/trust-store.ts';

/** Every module's port, bound to one connection (inside a transaction, to that transaction). */
export type Repositories = {
  identity: IdentityStore;
  registry: RegistryStore;
  ledger: LedgerStore;
  trust: TrustStore;
};

/**
 * The unit of work services depend on. A service's write and its ledger entries go through one
 * `transaction` call: either all of it commits or none of it does. Inside the callback use only
 * the `tx` repositories: on SQLite, `read` waits for the open transaction and would deadlock.
 */
export type Store = {
  readonly flavour: 'sqlite' | 'postgres';
  readonly read: Repositories;
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
};
