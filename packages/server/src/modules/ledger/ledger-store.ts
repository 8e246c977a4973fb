import type { NodeId } from './merkle.ts';

export type LedgerHead = { size: number; frontier: Uint8Array[] };
export type StoredNode = NodeId & { hash: Uint8Array };
export type StoredEntry = { index: number; leaf: string; leafHash: Uint8Array };
/** Searchable copies of three leaf fields, written beside each new entry. */
export type EntryKeys = { type: string; actorId: string; subjectId: string };
export type NewEntry = StoredEntry & EntryKeys;
export type EntrySearch = {
  subjectId?: string | undefined;
  actorId?: string | undefined;
  type?: string | undefined;
  before?: number | undefined;
  limit: number;
};
export type Checkpoint = { size: number; rootHash: Uint8Array; note: string; createdAt: string };
export type LedgerKey = {
  name: string;
  publicKey: Uint8Array;
  sealedPrivateKey: Uint8Array;
  createdAt: string;
};

/**
 * What the ledger needs from storage. `lockHead` must serialise appends of one organisation
 * across every process that shares the database (row lock on PostgreSQL, the write lock on
 * SQLite), so the log never forks.
 */
export type LedgerStore = {
  initHead(organizationId: string, at: string): Promise<void>;
  lockHead(organizationId: string): Promise<LedgerHead>;
  readHead(organizationId: string): Promise<LedgerHead>;
  writeAppend(
    organizationId: string,
    entries: NewEntry[],
    nodes: StoredNode[],
    head: LedgerHead,
    at: string,
  ): Promise<void>;
  readEntries(organizationId: string, start: number, limit: number): Promise<StoredEntry[]>;
  /** Newest first, by the searchable keys; `before` is an exclusive upper bound on the index. */
  searchEntries(organizationId: string, search: EntrySearch): Promise<StoredEntry[]>;
  readNodes(organizationId: string, ids: NodeId[]): Promise<StoredNode[]>;
  /** Interior nodes of one level with index in [from, to). */
  readNodeRange(organizationId: string, level: number, from: number, to: number): Promise<StoredNode[]>;
  insertCheckpoint(organizationId: string, checkpoint: Checkpoint): Promise<void>;
  latestCheckpoint(organizationId: string): Promise<Checkpoint | undefined>;
  listCheckpoints(organizationId: string): Promise<Checkpoint[]>;
  insertKey(organizationId: string, key: LedgerKey): Promise<void>;
  getKey(organizationId: string): Promise<LedgerKey | undefined>;
};
