import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import {
  type Cell,
  cellsFromRows,
  checkCell,
  parseBinary,
  rollUp,
  totalCell,
} from '../../src/modules/audits/cells.ts';
import { computeAudit, type AuditConfig, type AuditResult } from '../../src/modules/audits/audit.ts';

const SPEC = { label: 'y', prediction: 'p', groups: ['a', 'b'] } as const;

/** Random decision rows over two small attributes, some outcomes unknown, optional weights. */
const rowArbitrary = fc.record({
  a: fc.constantFrom('x', 'y', 'z', null),
  b: fc.constantFrom('p', 'q'),
  y: fc.constantFrom(0, 1, 1, 0, null),
  p: fc.constantFrom(0, 1),
  w: fc.integer({ min: 1, max: 8 }).map((k) => k / 4),
});
const rowsArbitrary = fc.array(rowArbitrary, { minLength: 1, maxLength: 120 });

function byKey(cells: readonly Cell[]): Map<string, Cell> {
  return new Map(cells.map((cell) => [JSON.stringify(cell.attributes), cell]));
}

/** Deep equality where numbers may differ by float summation order (relative 1e-12). */
function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(
      Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
      `${path}: ${actual} vs ${expected}`,
    );
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    const keys = Object.keys(expected).sort();
    assert.deepEqual(Object.keys(actual).sort(), keys, `${path}: keys`);
    for (const key of keys) assertClose((actual as any)[key], (expected as any)[key], `${path}.${key}`);
    return;
  }
  assert.equal(actual, expected, path);
}

describe('cellsFromRows', () => {
  test('tallies outcomes, weights, squared weights and row counts per observed combination', () => {
    const { cells, rows, rejected } = cellsFromRows(
      [
        { a: 'x', b: 'p', y: 1, p: 1, w: 2 },
        { a: 'x', b: 'p', y: 1, p: 1, w: 3 },
        { a: 'x', b: 'p', y: 0, p: 1, w: 1 },
        { a: 'x', b: 'q', y: '0', p: 'false', w: '0.5' },
        { a: 'x', b: 'q', y: 'true', p: 0, w: 1 },
        { a: 'x', b: 'q', y: '', p: 1, w: 1 },
        { a: 'x', b: 'q', y: null, p: 0, w: 1 },
      ],
      { ...SPEC, weight: 'w' },
    );
    assert.equal(rows, 7);
    assert.deepEqual(rejected, []);
    assert.equal(cells.length, 2);
    const xp = byKey(cells).get('{"a":"x","b":"p"}')!;
    assert.deepEqual(xp.weighted, { tp: 5, fp: 1, tn: 0, fn: 0, pu: 0, nu: 0 });
    assert.deepEqual(xp.rows, { tp: 2, fp: 1, tn: 0, fn: 0, pu: 0, nu: 0 });
    assert.deepEqual(xp.squares, { tp: 13, fp: 1, tn: 0, fn: 0, pu: 0, nu: 0 });
    assert.equal(xp.scoreSum, null);
    const xq = byKey(cells).get('{"a":"x","b":"q"}')!;
    assert.deepEqual(xq.weighted, { tp: 0, fp: 0, tn: 0.5, fn: 1, pu: 1, nu: 1 });
  });

  test('rejects bad rows with row number, column and reason, and keeps every good row', () => {
    const result = cellsFromRows(
      [
        { a: 'x', b: 'p', y: 1, p: 1, w: 1 },
        { a: 'x', b: 'p', y: 2, p: 1, w: 1 },
        { a: 'x', b: 'p', y: 1, p: 'maybe', w: 1 },
        { a: 'x', b: 'p', y: 1, p: null, w: 1 },
        { a: 'x', b: 'p', y: 1, p: 1, w: -1 },
        { a: 'x', b: 'p', y: 1, p: 1, w: 'heavy' },
        { a: 'x', b: 'p', y: 0, p: 0, w: 1 },
      ],
      { ...SPEC, weight: 'w' },
    );
    assert.deepEqual(
      result.rejected.map((r) => [r.row, r.column]),
      [
        [1, 'y'],
        [2, 'p'],
        [3, 'p'],
        [4, 'w'],
        [5, 'w'],
      ],
    );
    assert.match(result.rejected[0]!.reason, /label must be 0\/1 or true\/false, got 2/);
    assert.match(result.rejected[2]!.reason, /got null/);
    assert.equal(result.rows, 7);
    assert.deepEqual(result.cells[0]!.rows, { tp: 1, fp: 0, tn: 1, fn: 0, pu: 0, nu: 0 });
  });

  test('a score decides positive when score >= threshold, and score sums are weighted', () => {
    const { cells, rejected } = cellsFromRows(
      [
        { g: 'a', y: 1, s: 0.5, w: 2 },
        { g: 'a', y: 0, s: 0.4999, w: 1 },
        { g: 'a', y: 0, s: '0.9', w: 1 },
        { g: 'a', y: 0, s: 'NaN', w: 1 },
      ],
      { label: 'y', score: 's', threshold: 0.5, groups: ['g'], weight: 'w' },
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.column, 's');
    assert.deepEqual(cells[0]!.rows, { tp: 1, fp: 1, tn: 1, fn: 0, pu: 0, nu: 0 });
    assert.ok(Math.abs(cells[0]!.scoreSum! - (2 * 0.5 + 0.4999 + 0.9)) < 1e-15);
  });

  test('missing attribute values become null, distinct from the string "null"', () => {
    const { cells } = cellsFromRows(
      [
        { a: null, y: 1, p: 1 },
        { a: undefined, y: 1, p: 1 },
        { a: '', y: 1, p: 1 },
        { a: 'null', y: 1, p: 1 },
        { a: 7, y: 1, p: 1 },
      ],
      { label: 'y', prediction: 'p', groups: ['a'] },
    );
    assert.deepEqual(
      cells.map((c) => [c.attributes['a'], c.rows.tp]),
      [
        [null, 3],
        ['null', 1],
        ['7', 1],
      ],
    );
  });

  test('parseBinary accepts the usual spellings and refuses everything else', () => {
    for (const yes of [1, true, '1', 'true', 'TRUE', ' yes ', 1n]) assert.equal(parseBinary(yes), true);
    for (const no of [0, false, '0', 'false', 'No', 0n]) assert.equal(parseBinary(no), false);
    for (const missing of [null, undefined, '', '  ']) assert.equal(parseBinary(missing), null);
    for (const bad of [2, 0.5, 'y', {}, [], NaN]) assert.equal(parseBinary(bad), undefined);
  });

  test('checkCell refuses negative, non-finite, fractional-row and weight-without-rows cells', () => {
    const base = cellsFromRows([{ a: 'x', b: 'p', y: 1, p: 1 }], SPEC).cells[0]!;
    assert.equal(checkCell(base), null);
    assert.match(checkCell({ ...base, rows: { ...base.rows, fp: 0.5 } }) ?? '', /integer/);
    assert.match(checkCell({ ...base, weighted: { ...base.weighted, fp: -1 } }) ?? '', />= 0/);
    assert.match(checkCell({ ...base, weighted: { ...base.weighted, tn: 2 } }) ?? '', /weight without rows/);
    assert.match(checkCell({ ...base, squares: { ...base.squares, tp: Infinity } }) ?? '', /finite/);
  });
});

describe('rollUp (the GROUPING SETS marginals)', () => {
  test('sums cells into marginals carrying only the kept attributes, and [] into one total', () => {
    const { cells } = cellsFromRows(
      [
        { a: 'x', b: 'p', y: 1, p: 1 },
        { a: 'x', b: 'q', y: 0, p: 1 },
        { a: 'y', b: 'q', y: 0, p: 0 },
      ],
      SPEC,
    );
    const byA = rollUp(cells, ['a']);
    assert.deepEqual(
      byA.map((c) => [c.attributes, c.rows.tp, c.rows.fp, c.rows.tn]),
      [
        [{ a: 'x' }, 1, 1, 0],
        [{ a: 'y' }, 0, 0, 1],
      ],
    );
    const total = totalCell(cells);
    assert.deepEqual(total.attributes, {});
    assert.deepEqual(total.rows, { tp: 1, fp: 1, tn: 1, fn: 0, pu: 0, nu: 0 });
    assert.deepEqual(totalCell([]).rows, { tp: 0, fp: 0, tn: 0, fn: 0, pu: 0, nu: 0 });
    assert.throws(() => rollUp(cells, ['c']), RangeError);
  });

  test('rollUp of fine cells equals cells built directly at the coarser grouping (property)', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.constantFrom(['a'], ['b'], [], ['b', 'a']), (rows, keep) => {
        const fine = cellsFromRows(rows, { ...SPEC, weight: 'w' }).cells;
        const direct = cellsFromRows(rows, { label: 'y', prediction: 'p', groups: keep, weight: 'w' }).cells;
        const rolled = byKey(rollUp(fine, keep));
        assert.equal(rolled.size, direct.length);
        for (const cell of direct) assertClose(rolled.get(JSON.stringify(cell.attributes)), cell);
      }),
    );
  });
});

describe('audit invariants (properties)', () => {
  const config: AuditConfig = {
    attributes: ['a', 'b'],
    intersections: true,
    smallCells: { minN: 3, minPositives: 1, minNegatives: 1 },
  };

  test('metrics do not change when rows are permuted', () => {
    fc.assert(
      fc.property(
        rowsArbitrary.chain((rows) =>
          fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length })),
        ),
        fc.boolean(),
        ([rows, shuffled], weighted) => {
          const spec = weighted ? { ...SPEC, weight: 'w' } : SPEC;
          const one = computeAudit(cellsFromRows(rows, spec).cells, config);
          const two = computeAudit(cellsFromRows(shuffled, spec).cells, config);
          if (weighted) assertClose(two, one);
          else assert.deepEqual(two, one);
        },
      ),
    );
  });

  test('a row of frequency weight 2 is two identical rows of weight 1', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const doubled = rows.map((row) => ({ ...row, w: 2 }));
        const duplicated = rows.flatMap((row) => [
          { ...row, w: 1 },
          { ...row, w: 1 },
        ]);
        const frequency: AuditConfig = {
          ...config,
          weights: 'frequency',
          smallCells: { excludeFromAggregates: false },
        };
        const weighted = computeAudit(cellsFromRows(doubled, { ...SPEC, weight: 'w' }).cells, frequency);
        const plain = computeAudit(cellsFromRows(duplicated, { ...SPEC, weight: 'w' }).cells, frequency);
        const strip = (result: AuditResult): unknown => ({
          ...result,
          rows: 0,
          overall: { ...result.overall, unweighted_n: 0 },
          groups: result.groups.map((g) => ({ ...g, unweighted_n: 0 })),
        });
        assertClose(strip(weighted), strip(plain));
        assert.equal(plain.rows, 2 * weighted.rows);
      }),
    );
  });

  test('every intersection and marginal group equals a direct audit of that grouping', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        const spec = { ...SPEC, weight: 'w' };
        const full = computeAudit(cellsFromRows(rows, spec).cells, config);
        for (const only of [['a'], ['b']]) {
          const direct = computeAudit(cellsFromRows(rows, { ...spec, groups: only }).cells, {
            ...config,
            attributes: only,
            intersections: false,
          });
          const fromFull = full.groups.filter((g) => Object.keys(g.attributes).join() === only.join());
          assertClose(
            fromFull.map((g) => ({ ...g, tests: {} })),
            direct.groups.map((g) => ({ ...g, tests: {} })),
          );
          assertClose(
            full.aggregates.find((a) => a.attributes.join() === only.join()),
            direct.aggregates[0],
          );
        }
      }),
    );
  });

  test('the output is plain JSON: no NaN, no Infinity, no undefined anywhere', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.boolean(), (rows, frequency) => {
        const result = computeAudit(cellsFromRows(rows, { ...SPEC, weight: 'w' }).cells, {
          ...config,
          weights: frequency ? 'frequency' : 'sampling',
          bootstrap: { replicates: 5, seed: 1 },
        });
        const walk = (value: unknown, path: string): void => {
          assert.notEqual(value, undefined, path);
          if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} = ${value}`);
          else if (value !== null && typeof value === 'object') {
            for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
          }
        };
        walk(result, '$');
        assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
      }),
    );
  });
});
