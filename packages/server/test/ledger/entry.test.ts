import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LEDGER_EVENTS } from '../../../contract/src/ledger.ts';
import { canonicalize } from '../../src/modules/ledger/canonical-json.ts';
import { buildLeaf, digestOf, parseLeaf } from '../../src/modules/ledger/entry.ts';
import { planAppend } from '../../src/modules/ledger/ledger-service.ts';
import { computeRoot, hashLeafText, rootFromFrontier } from '../../src/modules/ledger/merkle.ts';

const event = fc.record({
  type: fc.constantFrom(...LEDGER_EVENTS),
  actor: fc.record({ type: fc.constantFrom('user' as const, 'system' as const), id: fc.string() }),
  subject: fc.record({ type: fc.string(), id: fc.string({ unit: 'grapheme' }) }),
  change: fc.jsonValue(),
});

test('the fixed-shape leaf writer equals RFC 8785 canonicalize of the same entry', () => {
  fc.assert(
    fc.property(
      fc.string(),
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      fc.string(),
      event,
      (org, index, at, e) => {
        const leaf = buildLeaf(org, index, at, e);
        const entry = {
          v: 1,
          index,
          org,
          at,
          type: e.type,
          actor: e.actor,
          subject: e.subject,
          digest: digestOf(e.change),
        };
        assert.equal(leaf, canonicalize(entry));
        assert.equal(JSON.parse(leaf).index, index);
      },
    ),
    { numRuns: 500 },
  );
});

test('a leaf parses back only when it is canonical and well-formed', () => {
  const leaf = buildLeaf('org_x', 3, '2026-01-01T00:00:00.000Z', {
    type: 'system.registered',
    actor: { type: 'user', id: 'usr_a' },
    subject: { type: 'system', id: 'sys_b' },
    change: { name: 'x' },
  });
  const ok = parseLeaf(leaf);
  assert.ok(ok.ok && ok.entry.index === 3);
  assert.deepEqual(parseLeaf(leaf.replace('{"actor"', '{ "actor"')), {
    ok: false,
    reason: 'leaf is not a v1 entry in canonical JSON form',
  });
  assert.equal(parseLeaf('[]').ok, false);
  assert.equal(parseLeaf('{').ok, false);
  assert.equal(parseLeaf(leaf.replace('system.registered', 'system.exploded')).ok, false);
});

test('digests change with any change of content and ignore key order', () => {
  assert.equal(digestOf({ a: 1, b: [1, 2] }), digestOf({ b: [1, 2], a: 1 }));
  assert.notEqual(digestOf({ a: 1 }), digestOf({ a: 2 }));
  assert.match(digestOf(null), /^sha256:[0-9a-f]{64}$/);
});

test('planAppend extends the tree exactly as a from-scratch root computation', () => {
  fc.assert(
    fc.property(
      fc.array(event, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }),
      (events, split) => {
        const first = planAppend('org_x', { size: 0, frontier: [] }, 'now', events.slice(0, split));
        const second = planAppend('org_x', first.head, 'later', events.slice(split));
        const leaves = [...first.entries, ...second.entries];
        assert.deepEqual(
          leaves.map((e) => e.index),
          leaves.map((_, i) => i),
        );
        assert.deepEqual(
          rootFromFrontier(second.head.frontier),
          computeRoot(leaves.map((e) => hashLeafText(e.leaf))),
        );
      },
    ),
    { numRuns: 200 },
  );
});
