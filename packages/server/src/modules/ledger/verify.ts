/**
 * Streaming verification of a whole log (ours or an exported copy): recomputes every leaf hash
 * and the tree incrementally, in O(log n) memory, and checks each signed checkpoint when the
 * stream reaches its size.
 *
 * What it detects, and how precisely (threat: someone with write access to the database or the
 * export file, but not the master key that protects the signing key):
 * - an entry removed, inserted or reordered: the stored positions or the index inside each
 *   leaf no longer count 0, 1, 2, … — the index is named;
 * - an entry's content changed while its stored leaf hash was left alone: named by index;
 * - content and stored hashes both rewritten: the first signed checkpoint past the change no
 *   longer matches, so the change is located between two checkpoints;
 * - a forged or altered checkpoint: its Ed25519 signature fails;
 * - a stored interior node (used to serve proofs) that differs from the recomputed one: named by
 *   level and index (the service compares them chunk by chunk).
 */
import { appendLeafNodes, bytesEqual, hashLeafText, rootFromFrontier, type StoredNode } from './merkle.ts';
import { parseLeaf } from './entry.ts';

export type VerifyProblem = { index: number | null; kind: string; message: string };
export type TrustedCheckpoint = { size: number; rootHash: Uint8Array };
export type VerifyReport = {
  ok: boolean;
  treeSize: number;
  rootHash: Uint8Array;
  checkpointsVerified: number;
  problems: VerifyProblem[];
};

const MAX_PROBLEMS = 100;

/** A verifier fed entries in stored order; checkpoints must already have valid signatures. */
export function createLogVerifier(opts: {
  organizationId: string | null;
  checkpoints: TrustedCheckpoint[];
  /** Receives every interior node the recomputation completes, to compare with stored ones. */
  onNode?: (node: StoredNode) => void;
}) {
  const checkpoints = [...opts.checkpoints].sort((a, b) => a.size - b.size);
  const problems: VerifyProblem[] = [];
  let frontier: Uint8Array[] = [];
  let size = 0;
  let nextCheckpoint = 0;
  let checkpointsVerified = 0;
  let lastCheckedSize = 0;
  const report = (p: VerifyProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  function checkCheckpointsAt(currentSize: number) {
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size === currentSize) {
      const cp = checkpoints[nextCheckpoint]!;
      if (bytesEqual(rootFromFrontier(frontier), cp.rootHash)) checkpointsVerified++;
      else
        report({
          index: cp.size - lastCheckedSize === 1 ? cp.size - 1 : null,
          kind: 'checkpoint_mismatch',
          message: `signed checkpoint at size ${cp.size} does not match the entries: an entry in [${lastCheckedSize}, ${cp.size - 1}] was changed`,
        });
      lastCheckedSize = cp.size;
      nextCheckpoint++;
    }
  }
  checkCheckpointsAt(0);

  return {
    /** Feeds the entry stored at `position` (`storedLeafHash` when the store keeps one). */
    push(position: number, leaf: string, storedLeafHash: Uint8Array | null) {
      if (position !== size) {
        if (position > size)
          report({
            index: size,
            kind: 'missing',
            message: `entries ${size}..${position - 1} are missing (deleted)`,
          });
        else
          report({
            index: position,
            kind: 'inserted',
            message: `an extra entry is stored at index ${position}`,
          });
      }
      const parsed = parseLeaf(leaf);
      if (!parsed.ok) report({ index: size, kind: 'malformed', message: `entry ${size}: ${parsed.reason}` });
      else {
        if (parsed.entry.index !== size)
          report({
            index: size,
            kind: 'reordered',
            message: `entry at position ${size} says it is entry ${parsed.entry.index} (reordered, inserted or removed)`,
          });
        if (opts.organizationId && parsed.entry.org !== opts.organizationId)
          report({
            index: size,
            kind: 'foreign',
            message: `entry ${size} belongs to organisation ${parsed.entry.org}`,
          });
      }
      const leafHash = hashLeafText(leaf);
      if (storedLeafHash && !bytesEqual(leafHash, storedLeafHash))
        report({ index: size, kind: 'changed', message: `entry ${size} was changed after it was appended` });
      const step = appendLeafNodes(size, leafHash, frontier);
      frontier = step.frontier;
      if (opts.onNode) for (const n of step.nodes) if (n.level > 0) opts.onNode(n);
      size++;
      checkCheckpointsAt(size);
    },
    /** Closes the stream; `expectedSize`/`expectedRoot` are what the store's head claims. */
    finish(expected: { size?: number; root?: Uint8Array } = {}): VerifyReport {
      const rootHash = rootFromFrontier(frontier);
      for (const cp of checkpoints.slice(nextCheckpoint))
        report({
          index: null,
          kind: 'truncated',
          message: `a signed checkpoint covers ${cp.size} entries but only ${size} are present`,
        });
      if (expected.size !== undefined && expected.size !== size)
        report({
          index: null,
          kind: 'size_mismatch',
          message: `the log head says ${expected.size} entries but ${size} are stored`,
        });
      else if (expected.root && !bytesEqual(expected.root, rootHash))
        report({
          index: null,
          kind: 'root_mismatch',
          message: 'the stored tree head does not match the entries',
        });
      return { ok: problems.length === 0, treeSize: size, rootHash, checkpointsVerified, problems };
    },
  };
}
