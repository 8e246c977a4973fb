// Proves in the browser that a ledger entry is in the log the organisation signed: the entry's
// fields match its leaf, the leaf hashes into the inclusion proof, and the proof leads to the
// root of the checkpoint whose signature was verified with the published key.
import { bytesEqual, decodeBase64, encodeBase64, toHex } from './base64.ts';
import { hashLeaf, verifyInclusion } from './merkle.ts';

export type EntryLike = {
  index: number;
  at: string;
  type: string;
  actor: { type: string; id: string };
  subject: { type: string; id: string };
  leaf: string;
};

export type ProofLike = { index: number; treeSize: number; rootHash: string; hashes: string[] };

export type ProofCheck = { ok: boolean; label: string; detail?: string };
export type ProofOutcome = { ok: boolean; checks: ProofCheck[] };

/** Compares the entry's displayed fields with the canonical JSON leaf that was hashed. */
export function leafMatchesEntry(entry: EntryLike): ProofCheck {
  let leaf: unknown;
  try {
    leaf = JSON.parse(entry.leaf);
  } catch {
    return { ok: false, label: 'The leaf is not valid JSON' };
  }
  const l = leaf as Record<string, unknown>;
  const same = (a: unknown, b: { type: string; id: string }) =>
    typeof a === 'object' &&
    a !== null &&
    (a as Record<string, unknown>)['type'] === b.type &&
    (a as Record<string, unknown>)['id'] === b.id;
  const ok =
    l['index'] === entry.index &&
    l['type'] === entry.type &&
    l['at'] === entry.at &&
    same(l['actor'], entry.actor) &&
    same(l['subject'], entry.subject);
  return ok
    ? { ok, label: 'The entry shown is exactly what its leaf says' }
    : {
        ok,
        label: 'The entry shown differs from its leaf',
        detail: 'index, type, time, actor or subject do not match the hashed JSON',
      };
}

/** Runs every check; `checkpointRoot` and `treeSize` come from the verified signed checkpoint. */
export async function proveEntry(
  entry: EntryLike,
  proof: ProofLike,
  checkpoint: { size: number; rootHash: Uint8Array },
): Promise<ProofOutcome> {
  const checks: ProofCheck[] = [leafMatchesEntry(entry)];
  const leafHash = await hashLeaf(entry.leaf);
  checks.push({
    ok: true,
    label: 'Leaf hash computed in this browser',
    detail: `SHA-256(0x00 ‖ leaf) = ${toHex(leafHash)}`,
  });
  const sameShape = proof.index === entry.index && proof.treeSize === checkpoint.size;
  checks.push({
    ok: sameShape,
    label: sameShape
      ? `The proof is for entry ${entry.index} in the tree of ${checkpoint.size}`
      : 'The proof is for a different entry or tree size',
  });
  const hashes = proof.hashes.map((h) => decodeBase64(h));
  if (hashes.some((h) => h === undefined)) {
    checks.push({ ok: false, label: 'The proof contains a hash that is not base64' });
    return { ok: false, checks };
  }
  const result = await verifyInclusion(
    entry.index,
    checkpoint.size,
    leafHash,
    hashes as Uint8Array[],
    checkpoint.rootHash,
  );
  checks.push(
    result.ok
      ? {
          ok: true,
          label: `The ${hashes.length} proof hashes lead to the signed root`,
          detail: encodeBase64(checkpoint.rootHash),
        }
      : { ok: false, label: 'The proof does not lead to the signed root', detail: result.reason },
  );
  const served = decodeBase64(proof.rootHash);
  if (served && !bytesEqual(served, checkpoint.rootHash))
    checks.push({
      ok: false,
      label: 'The server reported a different root with the proof',
      detail: proof.rootHash,
    });
  return { ok: checks.every((c) => c.ok), checks };
}
