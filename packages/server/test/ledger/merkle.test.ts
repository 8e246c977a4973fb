import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import fc from 'fast-check';

import {
  EMPTY_ROOT,
  appendLeafNodes,
  bytesEqual,
  combineSubtreeHashes,
  computeRoot,
  consistencyProofRanges,
  frontierNodeIds,
  hashChildren,
  hashLeaf,
  hashesForRanges,
  inclusionProofRanges,
  nodeRange,
  nodesForRanges,
  perfectSubtrees,
  rootFromFrontier,
  rootFromInclusionProof,
  rootRange,
  verifyConsistency,
  verifyInclusion,
} from '../../src/modules/ledger/merkle.ts';
import type { NodeId, Range } from '../../src/modules/ledger/merkle.ts';

const VECTORS_DIR = fileURLToPath(
  new URL('../../../../../shared/vectors/transparency-dev-merkle/testdata/', import.meta.url),
);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const fromB64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

function listJsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

type InclusionVector = {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
};

type ConsistencyVector = {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
};

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** An in-memory node store populated only through appendLeafNodes, as the ledger would. */
function buildStore(leafHashes: readonly Uint8Array[]): {
  lookup: (id: NodeId) => Uint8Array;
  frontiers: Uint8Array[][];
} {
  const nodes = new Map<string, Uint8Array>();
  const frontiers: Uint8Array[][] = [[]];
  let frontier: Uint8Array[] = [];
  leafHashes.forEach((leafHash, size) => {
    const result = appendLeafNodes(size, leafHash, frontier);
    for (const node of result.nodes) {
      const key = `${node.level}:${node.index}`;
      assert.ok(!nodes.has(key), `node ${key} written twice`);
      nodes.set(key, node.hash);
    }
    frontier = result.frontier;
    frontiers.push(frontier);
  });
  const lookup = (id: NodeId): Uint8Array => {
    const hash = nodes.get(`${id.level}:${id.index}`);
    assert.ok(hash, `node ${id.level}:${id.index} missing from store`);
    return hash;
  };
  return { lookup, frontiers };
}

function makeLeafHashes(count: number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => hashLeaf(Buffer.from(`leaf-${seed}-${i}`)));
}

function flipByte(proof: readonly Uint8Array[], element: number, byte: number): Uint8Array[] {
  return proof.map((hash, i) => {
    if (i !== element) return hash;
    const copy = new Uint8Array(hash);
    copy[byte] = (copy[byte] as number) ^ 0x01;
    return copy;
  });
}

describe('hashing primitives', () => {
  test('EMPTY_ROOT is SHA-256 of the empty string', () => {
    assert.equal(hex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(computeRoot([])), hex(EMPTY_ROOT));
    assert.equal(hex(rootFromFrontier([])), hex(EMPTY_ROOT));
  });

  test('RFC 6962 reference roots for sizes 0..8', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'];
    leaves.push('606162636465666768696a6b6c6d6e6f');
    const expected = [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const leafHashes = leaves.map((leaf) => hashLeaf(fromHex(leaf)));
    const { frontiers } = buildStore(leafHashes);
    for (let size = 0; size <= 8; size++) {
      assert.equal(hex(computeRoot(leafHashes.slice(0, size))), expected[size], `size ${size}`);
      const frontier = frontiers[size];
      assert.ok(frontier);
      assert.equal(hex(rootFromFrontier(frontier)), expected[size], `frontier size ${size}`);
    }
  });

  test('hashChildren and hashLeaf use distinct domain prefixes', () => {
    const a = new Uint8Array(32);
    assert.notEqual(hex(hashLeaf(new Uint8Array(64))), hex(hashChildren(a, a)));
  });
});

describe('range decomposition', () => {
  test('perfectSubtrees splits by the set bits of the width, largest first', () => {
    assert.deepEqual(perfectSubtrees({ start: 0, end: 7 }), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(perfectSubtrees({ start: 8, end: 12 }), [{ level: 2, index: 2 }]);
    assert.deepEqual(perfectSubtrees({ start: 4, end: 7 }), [
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    assert.deepEqual(perfectSubtrees({ start: 3, end: 3 }), []);
    assert.deepEqual(frontierNodeIds(6), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
    ]);
  });

  test('perfectSubtrees rejects ranges the RFC recursion never produces', () => {
    assert.throws(() => perfectSubtrees({ start: 1, end: 3 }), RangeError);
    assert.throws(() => perfectSubtrees({ start: 4, end: 2 }), RangeError);
    assert.throws(() => perfectSubtrees({ start: -1, end: 2 }), RangeError);
  });

  test('nodeRange inverts node addressing', () => {
    assert.deepEqual(nodeRange({ level: 3, index: 2 }), { start: 16, end: 24 });
  });

  test('combineSubtreeHashes over perfectSubtrees equals MTH for every aligned range', () => {
    const leafHashes = makeLeafHashes(64);
    const { lookup } = buildStore(leafHashes);
    for (let width = 1; width <= 32; width++) {
      let aligned = 1;
      while (aligned < width) aligned *= 2;
      for (let start = 0; start + width <= 64; start += aligned) {
        const range: Range = { start, end: start + width };
        const got = combineSubtreeHashes(perfectSubtrees(range).map(lookup));
        assert.equal(hex(got), hex(computeRoot(leafHashes.slice(start, start + width))));
      }
    }
  });

  test('proof range generators reject programmer errors', () => {
    assert.throws(() => inclusionProofRanges(5, 5), RangeError);
    assert.throws(() => inclusionProofRanges(0, 0), RangeError);
    assert.throws(() => inclusionProofRanges(1.5, 5), RangeError);
    assert.throws(() => consistencyProofRanges(0, 5), RangeError);
    assert.throws(() => consistencyProofRanges(6, 5), RangeError);
    assert.deepEqual(consistencyProofRanges(5, 5), []);
    assert.deepEqual(rootRange(9), { start: 0, end: 9 });
  });

  test('appendLeafNodes rejects a frontier of the wrong shape', () => {
    assert.throws(() => appendLeafNodes(3, EMPTY_ROOT, [EMPTY_ROOT]), RangeError);
  });

  test('appendLeafNodes does not mutate the caller frontier', () => {
    const leafHashes = makeLeafHashes(4);
    const { frontiers } = buildStore(leafHashes);
    const frontier = frontiers[3];
    assert.ok(frontier);
    const before = frontier.map(hex);
    appendLeafNodes(3, hashLeaf(Buffer.from('x')), frontier);
    assert.deepEqual(frontier.map(hex), before);
  });

  test('nodesForRanges for an inclusion proof at size 10^7 stays O(log n)', () => {
    const size = 10_000_000;
    const bound = 2 * Math.ceil(Math.log2(size));
    for (const index of [0, 1, 4_999_999, 8_388_607, 8_388_608, 9_999_998, size - 1]) {
      const nodes = nodesForRanges(inclusionProofRanges(index, size));
      assert.ok(nodes.length <= bound, `index ${index}: ${nodes.length} nodes > ${bound}`);
    }
    for (const from of [1, 3, 4_999_999, 8_388_608, 9_999_999]) {
      const nodes = nodesForRanges(consistencyProofRanges(from, size));
      assert.ok(nodes.length <= bound, `from ${from}: ${nodes.length} nodes > ${bound}`);
    }
  });

  test('sizes beyond 2^32 do not overflow and generator lengths match the verifier', () => {
    const size = 2 ** 40 + 12345;
    const fake = (count: number): Uint8Array[] =>
      Array.from({ length: count }, (_, i) => hashLeaf(Uint8Array.of(i)));
    for (const index of [0, 2 ** 33 + 5, 2 ** 40, size - 1]) {
      const ranges = inclusionProofRanges(index, size);
      for (const node of nodesForRanges(ranges)) {
        assert.ok(Number.isSafeInteger(node.index) && node.index >= 0);
        assert.ok(nodeRange(node).end <= size);
      }
      const result = rootFromInclusionProof(index, size, EMPTY_ROOT, fake(ranges.length));
      assert.equal(result.ok, true, `index ${index}`);
    }
    for (const from of [1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, size - 1]) {
      const ranges = consistencyProofRanges(from, size);
      const result = verifyConsistency(from, size, fake(ranges.length), EMPTY_ROOT, EMPTY_ROOT);
      assert.ok(!result.ok && result.reason.startsWith('root'), `from ${from}`);
    }
  });
});

describe('transparency-dev/merkle inclusion vectors', () => {
  const files = listJsonFiles(join(VECTORS_DIR, 'inclusion'));

  test('vector set is present', () => {
    assert.ok(files.length >= 90, `expected ~98 inclusion vectors, found ${files.length}`);
  });

  for (const file of files) {
    const name = file.slice(VECTORS_DIR.length);
    test(name, () => {
      const v = readJson<InclusionVector>(file);
      const result = verifyInclusion(
        v.leafIdx,
        v.treeSize,
        fromB64(v.leafHash),
        (v.proof ?? []).map(fromB64),
        fromB64(v.root),
      );
      if (v.wantErr) {
        assert.equal(result.ok, false, `${v.desc} should be rejected`);
        assert.ok(!result.ok && result.reason.length > 0);
      } else {
        assert.deepEqual(result, { ok: true }, v.desc);
      }
    });
  }
});

describe('transparency-dev/merkle consistency vectors', () => {
  const files = listJsonFiles(join(VECTORS_DIR, 'consistency'));

  test('vector set is present', () => {
    assert.ok(files.length >= 90, `expected ~98 consistency vectors, found ${files.length}`);
  });

  for (const file of files) {
    const name = file.slice(VECTORS_DIR.length);
    test(name, () => {
      const v = readJson<ConsistencyVector>(file);
      const result = verifyConsistency(
        v.size1,
        v.size2,
        (v.proof ?? []).map(fromB64),
        fromB64(v.root1),
        fromB64(v.root2),
      );
      if (v.wantErr) {
        assert.equal(result.ok, false, `${v.desc} should be rejected`);
        assert.ok(!result.ok && result.reason.length > 0);
      } else {
        assert.deepEqual(result, { ok: true }, v.desc);
      }
    });
  }
});

describe('proofs assembled from an append-only node store', () => {
  test('inclusion: every index of random sizes verifies; any byte flip fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (size, seed) => {
        const leafHashes = makeLeafHashes(size, seed);
        const { lookup, frontiers } = buildStore(leafHashes);
        const root = computeRoot(leafHashes);
        const frontier = frontiers[size];
        assert.ok(frontier);
        assert.equal(hex(rootFromFrontier(frontier)), hex(root));
        for (let index = 0; index < size; index++) {
          const leafHash = leafHashes[index] as Uint8Array;
          const proof = hashesForRanges(inclusionProofRanges(index, size), lookup);
          assert.deepEqual(verifyInclusion(index, size, leafHash, proof, root), { ok: true });
          const recomputed = rootFromInclusionProof(index, size, leafHash, proof);
          assert.ok(recomputed.ok && bytesEqual(recomputed.root, root));
          // Flipping every byte of every element is O(n log^2 n); sample one byte per element.
          proof.forEach((_, element) => {
            const byte = (index * 7 + element * 13 + seed) % 32;
            const tampered = flipByte(proof, element, byte);
            assert.equal(verifyInclusion(index, size, leafHash, tampered, root).ok, false);
          });
          if (size > 1) {
            assert.equal(verifyInclusion(index, size, leafHash, proof.slice(1), root).ok, false);
            assert.equal(verifyInclusion(index, size, leafHash, [...proof, root], root).ok, false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  test('inclusion: flipping every single byte of every proof element fails (fixed sizes)', () => {
    for (const size of [2, 7, 13, 64, 65]) {
      const leafHashes = makeLeafHashes(size);
      const { lookup } = buildStore(leafHashes);
      const root = computeRoot(leafHashes);
      for (const index of [0, size - 1, Math.floor(size / 2)]) {
        const leafHash = leafHashes[index] as Uint8Array;
        const proof = hashesForRanges(inclusionProofRanges(index, size), lookup);
        for (let element = 0; element < proof.length; element++) {
          for (let byte = 0; byte < 32; byte++) {
            const tampered = flipByte(proof, element, byte);
            assert.equal(verifyInclusion(index, size, leafHash, tampered, root).ok, false);
          }
        }
      }
    }
  });

  test('consistency: every (m, n) pair up to 64 verifies; any byte flip fails', () => {
    const maxSize = 64;
    // Exhaustive byte flips for small trees; one sampled byte per element above that.
    const exhaustiveUpTo = 24;
    const leafHashes = makeLeafHashes(maxSize, 99);
    const { lookup } = buildStore(leafHashes);
    const roots = Array.from({ length: maxSize + 1 }, (_, n) => computeRoot(leafHashes.slice(0, n)));
    for (let n = 1; n <= maxSize; n++) {
      const root2 = roots[n] as Uint8Array;
      for (let m = 1; m <= n; m++) {
        const root1 = roots[m] as Uint8Array;
        const proof = hashesForRanges(consistencyProofRanges(m, n), lookup);
        assert.deepEqual(verifyConsistency(m, n, proof, root1, root2), { ok: true }, `${m}->${n}`);
        for (let element = 0; element < proof.length; element++) {
          const bytes = n <= exhaustiveUpTo ? [...Array(32).keys()] : [(m * 31 + element) % 32];
          for (const byte of bytes) {
            const tampered = flipByte(proof, element, byte);
            assert.equal(verifyConsistency(m, n, tampered, root1, root2).ok, false);
          }
        }
        if (m < n) {
          assert.equal(verifyConsistency(m, n, proof, root2, root1).ok, false);
          assert.equal(verifyConsistency(m, n, proof.slice(0, -1), root1, root2).ok, false);
          assert.equal(verifyConsistency(m, n, [...proof, root1], root1, root2).ok, false);
        }
      }
    }
  });

  test('consistency: random (m, n) with random leaves via fast-check', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n), fc.nat())),
        ([m, n, seed]) => {
          const leafHashes = makeLeafHashes(n, seed);
          const { lookup, frontiers } = buildStore(leafHashes);
          const root1 = rootFromFrontier(frontiers[m] as Uint8Array[]);
          const root2 = rootFromFrontier(frontiers[n] as Uint8Array[]);
          assert.equal(hex(root1), hex(computeRoot(leafHashes.slice(0, m))));
          const proof = hashesForRanges(consistencyProofRanges(m, n), lookup);
          assert.deepEqual(verifyConsistency(m, n, proof, root1, root2), { ok: true });
          proof.forEach((_, element) => {
            const tampered = flipByte(proof, element, (element + seed) % 32);
            assert.equal(verifyConsistency(m, n, tampered, root1, root2).ok, false);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  test('edge rules: size1 = 0 rejected, equal sizes need empty proof and equal roots', () => {
    const root = computeRoot(makeLeafHashes(3));
    assert.equal(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT).ok, false);
    assert.equal(verifyConsistency(0, 3, [], EMPTY_ROOT, root).ok, false);
    assert.deepEqual(verifyConsistency(3, 3, [], root, root), { ok: true });
    assert.equal(verifyConsistency(3, 3, [root], root, root).ok, false);
    assert.equal(verifyConsistency(3, 3, [], root, EMPTY_ROOT).ok, false);
    assert.equal(verifyConsistency(4, 3, [], root, root).ok, false);
    assert.equal(verifyInclusion(0, 0, EMPTY_ROOT, [], EMPTY_ROOT).ok, false);
    assert.equal(verifyInclusion(-1, 3, EMPTY_ROOT, [], root).ok, false);
  });

  test('failure reasons are human readable', () => {
    const leafHashes = makeLeafHashes(5);
    const { lookup } = buildStore(leafHashes);
    const root = computeRoot(leafHashes);
    const leafHash = leafHashes[1] as Uint8Array;
    const proof = hashesForRanges(inclusionProofRanges(1, 5), lookup);
    assert.deepEqual(verifyInclusion(1, 5, leafHash, proof, EMPTY_ROOT), {
      ok: false,
      reason: 'root mismatch',
    });
    const short = verifyInclusion(1, 5, leafHash, proof.slice(1), root);
    assert.ok(!short.ok && short.reason.includes('wrong length'));
    const truncated = verifyInclusion(1, 5, leafHash, [(proof[0] as Uint8Array).slice(0, 31)], root);
    assert.ok(!truncated.ok && truncated.reason.includes('32 bytes'));
  });
});
