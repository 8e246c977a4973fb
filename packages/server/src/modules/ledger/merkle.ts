// Merkle Tree Hash, inclusion and consistency proofs as specified by RFC 6962 §2.1
// (PATH / SUBPROOF) and RFC 9162 §2.1.3.2 / §2.1.4.2 (verification algorithms).
//
// The ledger store keeps only hashes of *perfect* subtrees, addressed by (level, index):
// node (L, i) is the MTH of leaves [i*2^L, (i+1)*2^L). Every MTH the RFCs need is a
// right-to-left fold of O(log n) such nodes, so proofs never require recomputing subtrees.
//
// Arithmetic uses Math.floor / % rather than bitwise operators because JS bitwise
// operators truncate to 32 bits and tree sizes may exceed 2^31.

import { createHash, hash } from 'node:crypto';

/** Address of a perfect subtree: level 0 is a leaf hash, level L spans 2^L leaves. */
export type NodeId = { level: number; index: number };

/** Half-open leaf range [start, end). */
export type Range = { start: number; end: number };

/** A stored perfect-subtree hash together with its address. */
export type StoredNode = NodeId & { hash: Uint8Array };

/** Outcome of a proof verification; a failed check is a value, not an exception. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Outcome of recomputing a root from a proof. */
export type RootResult = { ok: true; root: Uint8Array } | { ok: false; reason: string };

/** Size in bytes of every node hash (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** MTH of the empty tree, SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(createHash('sha256').digest());

/** Hashes a leaf's bytes with the 0x00 domain-separation prefix. */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(leaf.length + 1);
  input.set(LEAF_PREFIX, 0);
  input.set(leaf, 1);
  return hash('sha256', input, 'buffer');
}

/** Hashes a leaf given as text (its UTF-8 bytes), without an intermediate copy. */
export function hashLeafText(leaf: string): Uint8Array {
  // U+0000 encodes as the single byte 0x00, the RFC 6962 leaf prefix.
  return hash('sha256', '\u0000' + leaf, 'buffer');
}

const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput.set(NODE_PREFIX, 0);

/** Hashes two child hashes with the 0x01 domain-separation prefix. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** Returns true when both byte arrays have identical length and content. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  }
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

/** Largest power of two strictly less than n (the RFC 6962 split point k), for n >= 2. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function largestPowerOfTwoAtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && largestPowerOfTwoAtMost(n) === n;
}

function smallestPowerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function log2Exact(p: number): number {
  let level = 0;
  while (p > 1) {
    p /= 2;
    level++;
  }
  return level;
}

/** Number of set bits in a non-negative safe integer. */
function popCount(n: number): number {
  let count = 0;
  while (n > 0) {
    if (isOdd(n)) count++;
    n = half(n);
  }
  return count;
}

/** The range covered by the root of a tree of the given size. */
export function rootRange(size: number): Range {
  assertCount(size, 'size');
  return { start: 0, end: size };
}

/** The leaf range covered by a perfect node. */
export function nodeRange(id: NodeId): Range {
  const width = 2 ** id.level;
  return { start: id.index * width, end: (id.index + 1) * width };
}

/**
 * Decomposes a range that occurs in the RFC 6962 recursion into aligned perfect subtrees,
 * largest (leftmost) first.
 */
export function perfectSubtrees(range: Range): NodeId[] {
  const { start, end } = range;
  assertCount(start, 'range start');
  assertCount(end, 'range end');
  if (end < start) throw new RangeError(`range end ${end} is before start ${start}`);
  const width = end - start;
  // The RFC recursion only ever produces ranges whose start is a multiple of the
  // enclosing power of two; any other range has no MTH defined by RFC 6962.
  if (width > 0 && start % smallestPowerOfTwoAtLeast(width) !== 0) {
    throw new RangeError(`range [${start}, ${end}) is not aligned as in RFC 6962`);
  }
  const nodes: NodeId[] = [];
  let position = start;
  let remaining = width;
  while (remaining > 0) {
    const span = largestPowerOfTwoAtMost(remaining);
    nodes.push({ level: log2Exact(span), index: position / span });
    position += span;
    remaining -= span;
  }
  return nodes;
}

/** Folds perfect-subtree hashes (largest first) right-to-left into the MTH of their union. */
export function combineSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes.at(-1);
  // Copy so callers can never mutate the shared constant through a returned root.
  if (acc === undefined) return new Uint8Array(EMPTY_ROOT);
  for (let i = hashes.length - 2; i >= 0; i--) {
    acc = hashChildren(hashes[i] as Uint8Array, acc);
  }
  return acc;
}

/** Ranges whose MTHs form the RFC 6962 §2.1.1 audit path for leaf `index`, leaf-side first. */
export function inclusionProofRanges(index: number, size: number): Range[] {
  assertCount(index, 'index');
  assertCount(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} is out of range for size ${size}`);
  const topDown: Range[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      topDown.push({ start: start + k, end });
      end = start + k;
    } else {
      topDown.push({ start, end: start + k });
      start += k;
    }
  }
  return topDown.reverse();
}

/** Ranges whose MTHs form the RFC 6962 §2.1.2 consistency proof from `from` to `size`. */
export function consistencyProofRanges(from: number, size: number): Range[] {
  assertCount(from, 'from');
  assertCount(size, 'size');
  if (from === 0) throw new RangeError('consistency proofs from an empty tree are undefined');
  if (from > size) throw new RangeError(`from ${from} exceeds size ${size}`);
  const topDown: Range[] = [];
  let start = 0;
  let end = size;
  let m = from;
  // `complete` is the SUBPROOF flag b: true while the old tree is a left spine of the
  // current subtree, in which case the verifier already knows that MTH.
  let complete = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      topDown.push({ start: start + k, end });
      end = start + k;
    } else {
      topDown.push({ start, end: start + k });
      start += k;
      m -= k;
      complete = false;
    }
  }
  const proof = topDown.reverse();
  if (!complete) proof.unshift({ start, end });
  return proof;
}

/** Every perfect node needed to assemble the MTHs of the given ranges, without duplicates. */
export function nodesForRanges(ranges: readonly Range[]): NodeId[] {
  const seen = new Set<string>();
  const nodes: NodeId[] = [];
  for (const range of ranges) {
    for (const node of perfectSubtrees(range)) {
      const key = `${node.level}:${node.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      nodes.push(node);
    }
  }
  return nodes;
}

/** Computes the MTH of each range from stored perfect-node hashes, yielding proof hashes. */
export function hashesForRanges(ranges: readonly Range[], lookup: (id: NodeId) => Uint8Array): Uint8Array[] {
  return ranges.map((range) => combineSubtreeHashes(perfectSubtrees(range).map(lookup)));
}

/** Addresses of the perfect subtrees that make up a tree of `size` leaves, largest first. */
export function frontierNodeIds(size: number): NodeId[] {
  return perfectSubtrees(rootRange(size));
}

/**
 * Appends leaf number `size`, returning the perfect nodes it completes (leaf first) and
 * the new frontier; `frontier` must hold one hash per set bit of `size`, largest first.
 */
export function appendLeafNodes(
  size: number,
  leafHash: Uint8Array,
  frontier: readonly Uint8Array[],
): { nodes: StoredNode[]; frontier: Uint8Array[] } {
  assertCount(size, 'size');
  if (frontier.length !== popCount(size)) {
    throw new RangeError(`frontier has ${frontier.length} hashes but size ${size} needs ${popCount(size)}`);
  }
  const remaining = frontier.slice();
  const nodes: StoredNode[] = [{ level: 0, index: size, hash: leafHash }];
  let hash = leafHash;
  let level = 0;
  let index = size;
  // Each trailing 1-bit of `size` is a perfect left sibling that the new leaf completes.
  let bits = size;
  while (isOdd(bits)) {
    const left = remaining.pop() as Uint8Array;
    hash = hashChildren(left, hash);
    level++;
    index = half(index);
    nodes.push({ level, index, hash });
    bits = half(bits);
  }
  remaining.push(hash);
  return { nodes, frontier: remaining };
}

/** MTH of a tree given its frontier (EMPTY_ROOT for an empty frontier). */
export function rootFromFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  return combineSubtreeHashes(frontier);
}

/** Reference recursive MTH (RFC 6962 §2.1) over leaf hashes; O(n), for tests and audits. */
export function computeRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return new Uint8Array(EMPTY_ROOT);
  if (n === 1) return leafHashes[0] as Uint8Array;
  const k = splitPoint(n);
  return hashChildren(computeRoot(leafHashes.slice(0, k)), computeRoot(leafHashes.slice(k)));
}

function findBadProofElement(proof: readonly Uint8Array[]): number {
  return proof.findIndex((element) => element.length !== HASH_SIZE);
}

/** Recomputes the root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–4). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): RootResult {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) {
    return { ok: false, reason: 'index and size must be non-negative integers' };
  }
  if (index >= size) return { ok: false, reason: 'index is not below tree size' };
  if (leafHash.length !== HASH_SIZE) {
    return { ok: false, reason: `leaf hash is not ${HASH_SIZE} bytes` };
  }
  const bad = findBadProofElement(proof);
  if (bad !== -1) return { ok: false, reason: `proof element ${bad} is not ${HASH_SIZE} bytes` };
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'proof has wrong length (too long)' };
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return { ok: false, reason: 'proof has wrong length (too short)' };
  return { ok: true, root: r };
}

/** Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): VerifyResult {
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  if (!computed.ok) return computed;
  if (!bytesEqual(computed.root, root)) return { ok: false, reason: 'root mismatch' };
  return { ok: true };
}

/** Verifies that the tree (size2, root2) extends the tree (size1, root1) (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerifyResult {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0) {
    return { ok: false, reason: 'sizes must be non-negative integers' };
  }
  if (size1 > size2) return { ok: false, reason: 'size1 is greater than size2' };
  // A proof from the empty tree proves nothing; rejecting it matches transparency-dev.
  if (size1 === 0) return { ok: false, reason: 'size1 is zero' };
  if (size1 === size2) {
    if (proof.length !== 0) return { ok: false, reason: 'proof has wrong length (must be empty)' };
    if (!bytesEqual(root1, root2)) return { ok: false, reason: 'root mismatch' };
    return { ok: true };
  }
  if (proof.length === 0) return { ok: false, reason: 'proof has wrong length (empty)' };
  const bad = findBadProofElement(proof);
  if (bad !== -1) return { ok: false, reason: `proof element ${bad} is not ${HASH_SIZE} bytes` };

  // RFC 9162 step 2: when size1 is a power of two the old root is a node of the new tree and is
  // omitted from the proof, so the verifier supplies it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return { ok: false, reason: 'proof has wrong length (too long)' };
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return { ok: false, reason: 'proof has wrong length (too short)' };
  if (!bytesEqual(fr, root1)) return { ok: false, reason: 'root1 mismatch' };
  if (!bytesEqual(sr, root2)) return { ok: false, reason: 'root2 mismatch' };
  return { ok: true };
}
