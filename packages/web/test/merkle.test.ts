import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from './support.ts';
import { decodeBase64, encodeBase64, toHex } from '../src/lib/base64.ts';
import { hashChildren, hashLeaf, rootFromInclusionProof, verifyInclusion } from '../src/lib/merkle.ts';

const VECTORS = fileURLToPath(
  new URL('../../../../shared/vectors/transparency-dev-merkle/testdata/inclusion/', import.meta.url),
);

type InclusionVector = {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
};

function vectorFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? vectorFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

const b64 = (text: string) => (text === '' ? new Uint8Array(0) : (decodeBase64(text) ?? new Uint8Array(0)));

describe('RFC 9162 inclusion verification against transparency-dev/merkle vectors', () => {
  const files = vectorFiles(VECTORS);
  test('the vectors are present', () => assert.ok(files.length >= 90, `found ${files.length} vector files`));
  for (const file of files) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
    test(`${file.slice(VECTORS.length)}: ${v.desc}`, async () => {
      const result = await verifyInclusion(
        v.leafIdx,
        v.treeSize,
        b64(v.leafHash),
        (v.proof ?? []).map(b64),
        b64(v.root),
      );
      assert.equal(result.ok, !v.wantErr, result.ok ? 'verified' : result.reason);
    });
  }
});

describe('RFC 6962 hashing', () => {
  test('leaf and node hashes use the 0x00 and 0x01 prefixes', async () => {
    // SHA-256(0x00) is the hash of the empty leaf (RFC 6962 reference data).
    assert.equal(
      toHex(await hashLeaf('')),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    const l = await hashLeaf('a');
    const r = await hashLeaf('b');
    const node = await hashChildren(l, r);
    const viaProof = await rootFromInclusionProof(0, 2, l, [r]);
    assert.ok(viaProof.ok);
    assert.equal(encodeBase64(viaProof.root), encodeBase64(node));
  });

  test('the RFC 6962 reference tree of 8 leaves proves every index', async () => {
    const inputs = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const leaves = await Promise.all(inputs.map((h) => hashLeaf(Uint8Array.from(Buffer.from(h, 'hex')))));
    const level1 = await Promise.all([0, 2, 4, 6].map((i) => hashChildren(leaves[i]!, leaves[i + 1]!)));
    const level2 = [await hashChildren(level1[0]!, level1[1]!), await hashChildren(level1[2]!, level1[3]!)];
    const root = await hashChildren(level2[0]!, level2[1]!);
    assert.equal(toHex(root), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    for (let i = 0; i < 8; i++) {
      const proof = [leaves[i ^ 1]!, level1[(i >> 1) ^ 1]!, level2[(i >> 2) ^ 1]!];
      assert.deepEqual(await verifyInclusion(i, 8, leaves[i]!, proof, root), { ok: true });
      const flipped = proof.map((p) => Uint8Array.from(p));
      flipped[1]![0]! ^= 1;
      assert.equal((await verifyInclusion(i, 8, leaves[i]!, flipped, root)).ok, false);
    }
  });

  test('an index outside the tree is refused with a reason', async () => {
    const leaf = await hashLeaf('x');
    const r = await rootFromInclusionProof(3, 3, leaf, []);
    assert.equal(r.ok, false);
  });
});

describe('proving a ledger entry against a checkpoint', () => {
  test('a two-entry log proves entry 1 and rejects a changed leaf', async () => {
    const { proveEntry } = await import('../src/lib/ledger-proof.ts');
    const mk = (index: number, type: string) => {
      const fields = {
        actor: { id: 'usr_1', type: 'user' },
        at: '2026-01-01T00:00:00.000Z',
        index,
        subject: { id: 'sys_1', type: 'system' },
        type,
      };
      return { ...fields, leaf: JSON.stringify(fields) };
    };
    const e0 = mk(0, 'system.registered');
    const e1 = mk(1, 'system.approved');
    const h0 = await hashLeaf(e0.leaf);
    const h1 = await hashLeaf(e1.leaf);
    const root = await hashChildren(h0, h1);
    const proof = { index: 1, treeSize: 2, rootHash: encodeBase64(root), hashes: [encodeBase64(h0)] };
    const ok = await proveEntry(e1, proof, { size: 2, rootHash: root });
    assert.equal(ok.ok, true, JSON.stringify(ok.checks));
    const forged = { ...e1, leaf: e1.leaf.replace('approved', 'retired') };
    const bad = await proveEntry(forged, proof, { size: 2, rootHash: root });
    assert.equal(bad.ok, false);
    const mislabelled = await proveEntry({ ...e1, type: 'system.retired' }, proof, {
      size: 2,
      rootHash: root,
    });
    assert.equal(mislabelled.ok, false);
  });
});
