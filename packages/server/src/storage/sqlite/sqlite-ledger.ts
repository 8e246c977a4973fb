import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LedgerHead, LedgerStore, NewEntry, StoredNode } from '../../modules/ledger/ledger-store.ts';

const HASH_SIZE = 32;
const CHUNK = 64;

/**
 * The ledger's hot path on SQLite, on prepared statements: appends run once per audited change,
 * so they skip the query builder's per-call compilation. Every other ledger method keeps the
 * shared Kysely implementation. Multi-row inserts of up to 64 rows cut per-call overhead for
 * batches.
 */
export function sqliteLedgerFastPath(
  raw: DatabaseSync,
  base: LedgerStore,
): LedgerStore & { forgetHeads(): void } {
  // Heads this connection wrote last, valid until another connection commits (data_version
  // changes) or a savepoint rolls back (the store calls forgetHeads).
  const heads = new Map<string, LedgerHead>();
  let headsVersion = -1;
  // Prepared on first use: the tables exist only after migration.
  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = raw.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const selectHead = () => prepared('select size, frontier from ledger_heads where organization_id = ?');
  const updateHead = () =>
    prepared('update ledger_heads set size = ?, frontier = ?, updated_at = ? where organization_id = ?');
  const entryInserts = new Map<number, StatementSync>();
  const nodeInserts = new Map<number, StatementSync>();
  const insertEntries = (n: number) =>
    cached(entryInserts, n, () =>
      raw.prepare(
        `insert into ledger_entries (organization_id, idx, leaf, leaf_hash, event_type, actor_id, subject_id) values ${rows(n, 7)}`,
      ),
    );
  const insertNodes = (n: number) =>
    cached(nodeInserts, n, () =>
      raw.prepare(`insert into ledger_nodes (organization_id, level, idx, hash) values ${rows(n, 4)}`),
    );

  const dataVersion = () => (prepared('pragma data_version').get() as { data_version: number }).data_version;

  function cachedHead(organizationId: string): LedgerHead {
    const version = dataVersion();
    if (version !== headsVersion) {
      heads.clear();
      headsVersion = version;
    }
    const hit = heads.get(organizationId);
    if (hit) return hit;
    const head = readHead(organizationId);
    heads.set(organizationId, head);
    return head;
  }

  function readHead(organizationId: string): LedgerHead {
    const r = selectHead().get(organizationId) as { size: number; frontier: Uint8Array } | undefined;
    if (!r) return { size: 0, frontier: [] };
    const frontier: Uint8Array[] = [];
    for (let i = 0; i < r.frontier.length; i += HASH_SIZE) frontier.push(r.frontier.slice(i, i + HASH_SIZE));
    return { size: Number(r.size), frontier };
  }

  return {
    ...base,
    // The write lock is already held: SQLite transactions here begin IMMEDIATE.
    lockHead: async (organizationId) => cachedHead(organizationId),
    readHead: async (organizationId) => readHead(organizationId),
    forgetHeads: () => heads.clear(),
    // Verification streams the whole log: prepared range scans skip per-row query building.
    async readEntries(organizationId, start, limit) {
      const rows = prepared(
        'select idx, leaf, leaf_hash from ledger_entries where organization_id = ? and idx >= ? order by idx limit ?',
      ).all(organizationId, start, limit) as { idx: number; leaf: string; leaf_hash: Uint8Array }[];
      return rows.map((r) => ({ index: Number(r.idx), leaf: r.leaf, leafHash: r.leaf_hash }));
    },
    async readNodeRange(organizationId, level, from, to) {
      const rows = prepared(
        'select idx, hash from ledger_nodes where organization_id = ? and level = ? and idx >= ? and idx < ?',
      ).all(organizationId, level, from, to) as { idx: number; hash: Uint8Array }[];
      return rows.map((r) => ({ level, index: Number(r.idx), hash: r.hash }));
    },
    // Proofs read O(log n) nodes: prepared point lookups on the primary keys.
    async readNodes(organizationId, ids) {
      const leaf = prepared('select leaf_hash from ledger_entries where organization_id = ? and idx = ?');
      const node = prepared(
        'select hash from ledger_nodes where organization_id = ? and level = ? and idx = ?',
      );
      const out: StoredNode[] = [];
      for (const id of ids) {
        const r = (
          id.level === 0 ? leaf.get(organizationId, id.index) : node.get(organizationId, id.level, id.index)
        ) as { leaf_hash?: Uint8Array; hash?: Uint8Array } | undefined;
        const hash = r?.leaf_hash ?? r?.hash;
        if (hash) out.push({ level: id.level, index: id.index, hash });
      }
      return out;
    },
    async writeAppend(
      organizationId: string,
      entries: NewEntry[],
      nodes: StoredNode[],
      head: LedgerHead,
      at: string,
    ) {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        const params: (string | number | Uint8Array)[] = [];
        for (const e of part)
          params.push(organizationId, e.index, e.leaf, e.leafHash, e.type, e.actorId, e.subjectId);
        insertEntries(part.length).run(...params);
      }
      const interior = nodes.filter((n) => n.level > 0);
      for (let i = 0; i < interior.length; i += CHUNK) {
        const part = interior.slice(i, i + CHUNK);
        const params: (string | number | Uint8Array)[] = [];
        for (const n of part) params.push(organizationId, n.level, n.index, n.hash);
        insertNodes(part.length).run(...params);
      }
      const frontier = new Uint8Array(head.frontier.length * HASH_SIZE);
      head.frontier.forEach((h, i) => frontier.set(h, i * HASH_SIZE));
      const r = updateHead().run(head.size, frontier, at, organizationId);
      if (Number(r.changes) !== 1) throw new Error(`ledger head missing for ${organizationId}`);
      heads.set(organizationId, head);
    },
  };
}

function rows(n: number, width: number): string {
  const one = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: n }, () => one).join(', ');
}

function cached(map: Map<number, StatementSync>, n: number, make: () => StatementSync): StatementSync {
  let s = map.get(n);
  if (!s) {
    s = make();
    map.set(n, s);
  }
  return s;
}
