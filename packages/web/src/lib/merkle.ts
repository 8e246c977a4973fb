// RFC 6962 / RFC 9162 Merkle inclusion proofs, verified in the browser with WebCrypto SHA-256.
// Threat: a server that shows an entry which is not in the log it signed. The proof ties the
// entry's exact leaf bytes to the root of the signed checkpoint; nothing the server says is trusted.
//
// Arithmetic uses Math.floor and % instead of bitwise operators, which truncate to 32 bits.

import { bytesEqual, concatBytes } from './base64.ts';

/** Size in bytes of every node hash (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const utf8 = new TextEncoder();

/** Outcome of a verification: a failed check is a value with a reason, not an exception. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/** Leaf hash of RFC 6962 §2.1: SHA-256(0x00 || leaf), over the UTF-8 bytes of the leaf text. */
export async function hashLeaf(leaf: string | Uint8Array): Promise<Uint8Array> {
  const bytes = typeof leaf === 'string' ? utf8.encode(leaf) : leaf;
  return sha256(concatBytes(LEAF_PREFIX, bytes));
}

/** Interior node hash of RFC 6962 §2.1: SHA-256(0x01 || left || right). */
export async function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/**
 * Recomputes the root from an inclusion proof, following RFC 9162 §2.1.3.2 step by step.
 * Returns the root, or the reason the proof cannot be valid for this index and tree size.
 */
export async function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<{ ok: true; root: Uint8Array } | { ok: false; reason: string }> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || treeSize < 1)
    return { ok: false, reason: 'index and tree size must be integers with 0 ≤ index < size' };
  if (index >= treeSize) return { ok: false, reason: `index ${index} is outside a tree of ${treeSize}` };
  if (leafHash.length !== HASH_SIZE) return { ok: false, reason: 'the leaf hash is not 32 bytes' };
  if (proof.some((p) => p.length !== HASH_SIZE)) return { ok: false, reason: 'a proof hash is not 32 bytes' };

  // Step 2: fn is the leaf's position at each level, sn the last position of that level.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return { ok: false, reason: 'the proof is longer than the tree is deep' };
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      // A right-edge node with no sibling moves up without hashing until it is a right child.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'the proof is shorter than the tree is deep' };
  return { ok: true, root: r };
}

/** Verifies that `leafHash` is entry `index` of the tree of `treeSize` entries whose root is `root`. */
export async function verifyInclusion(
  index: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<VerifyResult> {
  if (root.length !== HASH_SIZE) return { ok: false, reason: 'the root hash is not 32 bytes' };
  const computed = await rootFromInclusionProof(index, treeSize, leafHash, proof);
  if (!computed.ok) return computed;
  return bytesEqual(computed.root, root)
    ? { ok: true }
    : { ok: false, reason: 'the proof leads to a different root' };
}
