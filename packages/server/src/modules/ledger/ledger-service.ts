import type { Repositories, Store } from '../../store.ts';
import { AppError, fieldError } from '../../shared/app-error.ts';
import type { Clock } from '../../shared/clock.ts';
import { openWithMasterKey, sealWithMasterKey, type MasterKey } from '../vault/master-key.ts';
import { buildLeaf, parseLeaf, type LedgerEventInput } from './entry.ts';
import type { EntrySearch, LedgerHead, NewEntry, StoredNode } from './ledger-store.ts';
import {
  appendLeafNodes,
  consistencyProofRanges,
  frontierNodeIds,
  hashLeafText,
  hashesForRanges,
  inclusionProofRanges,
  nodesForRanges,
  rootFromFrontier,
  combineSubtreeHashes,
  bytesEqual,
  type NodeId,
} from './merkle.ts';
import {
  formatCheckpoint,
  formatVerifierKey,
  generateSignerKey,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';
import { createLogVerifier, type TrustedCheckpoint, type VerifyReport } from './verify.ts';

const SIGNING_KEY_PURPOSE = 'ledger-signing-key';

export type LedgerDeps = { store: Store; clock: Clock; masterKey: MasterKey; originHost: string };

/** The log's origin line: unique per organisation and deployment (C2SP tlog-checkpoint). */
export function originFor(originHost: string, organizationId: string): string {
  return `${originHost}/ledger/${organizationId}`;
}

/** Assigns indexes, hashes leaves and extends the tree for a batch of events: pure. */
export function planAppend(
  organizationId: string,
  head: LedgerHead,
  at: string,
  events: readonly LedgerEventInput[],
): { entries: NewEntry[]; nodes: StoredNode[]; head: LedgerHead } {
  let frontier = head.frontier;
  let size = head.size;
  const entries: NewEntry[] = [];
  const nodes: StoredNode[] = [];
  for (const event of events) {
    const leaf = buildLeaf(organizationId, size, at, event);
    const leafHash = hashLeafText(leaf);
    const step = appendLeafNodes(size, leafHash, frontier);
    entries.push({
      index: size,
      leaf,
      leafHash,
      type: event.type,
      actorId: event.actor.id,
      subjectId: event.subject.id,
    });
    nodes.push(...step.nodes);
    frontier = step.frontier;
    size++;
  }
  return { entries, nodes, head: { size, frontier } };
}

/** The ledger: appends inside callers' transactions, signed checkpoints, proofs and verification. */
export function createLedgerService(deps: LedgerDeps) {
  const { store, clock, masterKey, originHost } = deps;

  /** Appends events to the organisation's log inside the caller's transaction; returns the first index. */
  async function append(
    tx: Repositories,
    organizationId: string,
    events: readonly LedgerEventInput[],
  ): Promise<number> {
    const head = await tx.ledger.lockHead(organizationId);
    const at = clock.now().toISOString();
    const plan = planAppend(organizationId, head, at, events);
    await tx.ledger.writeAppend(organizationId, plan.entries, plan.nodes, plan.head, at);
    return head.size;
  }

  /** Creates the organisation's log head and Ed25519 signing key (sealed under the master key). */
  async function initialize(tx: Repositories, organizationId: string): Promise<void> {
    const at = clock.now().toISOString();
    await tx.ledger.initHead(organizationId, at);
    const signer = generateSignerKey(originFor(originHost, organizationId));
    const sealed = sealWithMasterKey(masterKey, SIGNING_KEY_PURPOSE, organizationId, signer.privateKey);
    await tx.ledger.insertKey(organizationId, {
      name: signer.name,
      publicKey: signer.publicKey,
      sealedPrivateKey: sealed,
      createdAt: at,
    });
  }

  async function requireKey(organizationId: string) {
    const key = await store.read.ledger.getKey(organizationId);
    if (!key) throw new AppError('NOT_FOUND', `organisation ${organizationId} has no ledger`);
    return key;
  }

  /** The note verifier key (`name+keyhash+base64key`) external verifiers pin. */
  async function verifierKey(organizationId: string): Promise<string> {
    const key = await requireKey(organizationId);
    return formatVerifierKey(key.name, key.publicKey);
  }

  /** The latest signed checkpoint, signing a new one when the log has grown since the last. */
  async function checkpoint(organizationId: string): Promise<{ size: number; note: string }> {
    const key = await requireKey(organizationId);
    const head = await store.read.ledger.readHead(organizationId);
    const latest = await store.read.ledger.latestCheckpoint(organizationId);
    if (latest && latest.size >= head.size) return { size: latest.size, note: latest.note };
    const rootHash = rootFromFrontier(head.frontier);
    const privateKey = openWithMasterKey(
      masterKey,
      SIGNING_KEY_PURPOSE,
      organizationId,
      key.sealedPrivateKey,
    );
    const note = signNote(formatCheckpoint({ origin: key.name, size: head.size, rootHash }), {
      name: key.name,
      privateKey,
    });
    await store.transaction((tx) =>
      tx.ledger.insertCheckpoint(organizationId, {
        size: head.size,
        rootHash,
        note,
        createdAt: clock.now().toISOString(),
      }),
    );
    return { size: head.size, note };
  }

  /** Entries matching a subject, actor or event type, newest first, decoded for people. */
  async function search(organizationId: string, q: EntrySearch) {
    const rows = await store.read.ledger.searchEntries(organizationId, q);
    const entries = rows.flatMap((r) => {
      const parsed = parseLeaf(r.leaf);
      return parsed.ok ? [{ ...parsed.entry, index: r.index, leaf: r.leaf }] : [];
    });
    const last = rows[rows.length - 1];
    return { entries, nextBefore: rows.length === q.limit && last ? last.index : null };
  }

  /** Entries `[start, start+limit)` with the exact leaf strings that were hashed. */
  async function entries(organizationId: string, start: number, limit: number) {
    const rows = await store.read.ledger.readEntries(organizationId, start, limit);
    return rows.map((r) => ({ index: r.index, leaf: r.leaf }));
  }

  async function lookupNodes(organizationId: string, ids: NodeId[]): Promise<(id: NodeId) => Uint8Array> {
    const nodes = await store.read.ledger.readNodes(organizationId, ids);
    const map = new Map(nodes.map((n) => [`${n.level}:${n.index}`, n.hash]));
    return (id) => {
      const h = map.get(`${id.level}:${id.index}`);
      if (!h) throw new AppError('INTERNAL', `ledger node ${id.level}:${id.index} is missing from storage`);
      return h;
    };
  }

  async function currentSize(organizationId: string): Promise<number> {
    await requireKey(organizationId);
    return (await store.read.ledger.readHead(organizationId)).size;
  }

  /** RFC 9162 inclusion proof for entry `index` in the tree of `treeSize` entries. */
  async function inclusionProof(organizationId: string, index: number, treeSize: number) {
    const size = await currentSize(organizationId);
    if (treeSize > size) throw fieldError('treeSize', `must be at most the current tree size ${size}`);
    if (index >= treeSize) throw fieldError('index', `must be less than treeSize ${treeSize}`);
    const ranges = inclusionProofRanges(index, treeSize);
    const rootIds = frontierNodeIds(treeSize);
    const lookup = await lookupNodes(organizationId, [...nodesForRanges(ranges), ...rootIds]);
    return {
      index,
      treeSize,
      rootHash: Buffer.from(combineSubtreeHashes(rootIds.map(lookup))).toString('base64'),
      hashes: hashesForRanges(ranges, lookup).map((h) => Buffer.from(h).toString('base64')),
    };
  }

  /** RFC 9162 consistency proof between tree sizes `from` and `to`. */
  async function consistencyProof(organizationId: string, from: number, to: number) {
    const size = await currentSize(organizationId);
    if (to > size) throw fieldError('to', `must be at most the current tree size ${size}`);
    if (from > to) throw fieldError('from', `must not exceed to (${to})`);
    const ranges = from === to ? [] : consistencyProofRanges(from, to);
    const lookup = await lookupNodes(organizationId, nodesForRanges(ranges));
    return {
      from,
      to,
      hashes: hashesForRanges(ranges, lookup).map((h) => Buffer.from(h).toString('base64')),
    };
  }

  /** Checks every stored checkpoint's signature; returns the trusted (size, root) pairs and problems. */
  async function trustedCheckpoints(organizationId: string) {
    const key = await requireKey(organizationId);
    const vkey = parseVerifierKey(formatVerifierKey(key.name, key.publicKey));
    if (!vkey.ok)
      throw new AppError('INTERNAL', `ledger key of ${organizationId} is unusable: ${vkey.reason}`);
    return checkSignedCheckpoints(
      (await store.read.ledger.listCheckpoints(organizationId)).map((c) => c.note),
      vkey,
      key.name,
    );
  }

  /** Recomputes the whole log from storage, checking stored hashes, positions, head and checkpoints. */
  async function verify(
    organizationId: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<VerifyReport> {
    const { trusted, problems } = await trustedCheckpoints(organizationId);
    const head = await store.read.ledger.readHead(organizationId);
    const computed: StoredNode[] = [];
    const verifier = createLogVerifier({
      organizationId,
      checkpoints: trusted,
      onNode: (n) => computed.push(n),
    });
    const CHUNK = 5000;
    let start = 0;
    for (;;) {
      const rows = await store.read.ledger.readEntries(organizationId, start, CHUNK);
      for (const r of rows) verifier.push(r.index, r.leaf, r.leafHash);
      problems.push(...(await compareStoredNodes(organizationId, computed.splice(0))));
      if (rows.length < CHUNK) break;
      start = rows[rows.length - 1]!.index + 1;
      onProgress?.(start, head.size);
    }
    const report = verifier.finish({ size: head.size, root: rootFromFrontier(head.frontier) });
    return { ...report, ok: report.ok && problems.length === 0, problems: [...problems, ...report.problems] };
  }

  /** Compares recomputed interior nodes with the stored ones that proofs are served from. */
  async function compareStoredNodes(organizationId: string, nodes: StoredNode[]) {
    const out: { index: null; kind: string; message: string }[] = [];
    const byLevel = new Map<number, StoredNode[]>();
    for (const n of nodes) {
      const list = byLevel.get(n.level);
      if (list) list.push(n);
      else byLevel.set(n.level, [n]);
    }
    for (const [level, list] of byLevel) {
      const from = list[0]!.index;
      const to = list[list.length - 1]!.index + 1;
      const stored = new Map(
        (await store.read.ledger.readNodeRange(organizationId, level, from, to)).map((n) => [
          n.index,
          n.hash,
        ]),
      );
      for (const n of list) {
        const h = stored.get(n.index);
        if (!h || !bytesEqual(h, n.hash))
          out.push({
            index: null,
            kind: 'node_mismatch',
            message: `stored tree node level ${level} index ${n.index} is ${h ? 'wrong' : 'missing'}; proofs that use it would fail`,
          });
      }
    }
    return out;
  }

  /** Streams the log as NDJSON lines: a header with the verifier key and checkpoints, then entries. */
  async function* exportLines(organizationId: string): AsyncGenerator<string> {
    const key = await requireKey(organizationId);
    await checkpoint(organizationId);
    const checkpoints = await store.read.ledger.listCheckpoints(organizationId);
    const head = await store.read.ledger.readHead(organizationId);
    yield JSON.stringify({
      format: EXPORT_FORMAT,
      organizationId,
      origin: key.name,
      verifierKey: formatVerifierKey(key.name, key.publicKey),
      treeSize: head.size,
      checkpoints: checkpoints.map((c) => c.note),
    });
    const CHUNK = 5000;
    let start = 0;
    for (;;) {
      const rows = await store.read.ledger.readEntries(organizationId, start, CHUNK);
      for (const r of rows)
        yield JSON.stringify({
          index: r.index,
          leaf: r.leaf,
          leafHash: Buffer.from(r.leafHash).toString('base64'),
        });
      if (rows.length < CHUNK) break;
      start = rows[rows.length - 1]!.index + 1;
    }
  }

  return {
    append,
    initialize,
    verifierKey,
    checkpoint,
    entries,
    search,
    inclusionProof,
    consistencyProof,
    verify,
    exportLines,
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
export const EXPORT_FORMAT = 'oversight-ledger-export/v1';

/** Opens each signed checkpoint with the log's key and parses its body; bad ones become problems. */
export function checkSignedCheckpoints(
  notes: string[],
  vkey: Extract<ReturnType<typeof parseVerifierKey>, { ok: true }>,
  origin: string,
): { trusted: TrustedCheckpoint[]; problems: { index: null; kind: string; message: string }[] } {
  const trusted: TrustedCheckpoint[] = [];
  const problems: { index: null; kind: string; message: string }[] = [];
  for (const note of notes) {
    const opened = openNote(note, [vkey]);
    if (!opened.ok) {
      problems.push({
        index: null,
        kind: 'bad_signature',
        message: `a stored checkpoint failed its signature check: ${opened.reason}`,
      });
      continue;
    }
    const cp = parseCheckpoint(opened.text);
    if (!cp.ok || cp.origin !== origin) {
      problems.push({
        index: null,
        kind: 'bad_checkpoint',
        message: `a signed checkpoint is malformed or for another log`,
      });
      continue;
    }
    trusted.push({ size: cp.size, rootHash: cp.rootHash });
  }
  return { trusted, problems };
}
