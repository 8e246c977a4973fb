// The SQL pushdown against the in-memory reference: the builder's text (quoting, parameters,
// one GROUP BY over the full combination), and DuckDB's cells equal to cellsFromRows' cells, so
// computeAudit over both is identical, on COMPAS, on Adult, and on random data in CSV, NDJSON
// and Parquet (weights, missing values, rejects, hostile values).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

import { type Cell, type RowSpec, cellsFromRows } from '../../src/modules/audits/cells.ts';
import { type AuditConfig, computeAudit } from '../../src/modules/audits/audit.ts';
import {
  type DecisionSource,
  type ResolvedSpec,
  buildCellsQuery,
  buildRejectsQuery,
  cellsFromQueryRows,
  columnKind,
  quoteIdentifier,
  rejectedFromQueryRows,
  resolveColumns,
  sniffCompression,
  sniffFormat,
} from '../../src/modules/audits/pushdown.ts';
import { readDecisionFile } from '../../src/storage/duckdb/decision-file.ts';
import { openDuckDb } from '../../src/storage/duckdb/duckdb-engine.ts';
import {
  DATA_DIR,
  FIXTURES,
  adultDecisions,
  compasDecisions,
  loadAdult,
  loadCompas,
} from './fairness-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'oversight-pushdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
const tempPath = (ext: string) => join(dir, `data-${fileCounter++}.${ext}`);

/** RFC 4180 CSV: every field quoted when it holds a comma, quote, line break or surrounding space. */
function toCsv(header: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const field = (value: unknown): string => {
    const text =
      value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return (
    [header.map(field).join(','), ...rows.map((row) => header.map((h) => field(row[h])).join(','))].join(
      '\n',
    ) + '\n'
  );
}

function byAttributes(cells: readonly Cell[]): Map<string, Cell> {
  return new Map(cells.map((cell) => [JSON.stringify(cell.attributes), cell]));
}

/** Cells equal one for one (sums exact: the test data's weights and scores are dyadic). */
function assertSameCells(actual: readonly Cell[], expected: readonly Cell[]): void {
  const mine = byAttributes(actual);
  assert.equal(mine.size, expected.length, 'number of cells');
  for (const cell of expected) {
    const key = JSON.stringify(cell.attributes);
    assert.deepEqual(mine.get(key), cell, `cell ${key}`);
  }
}

/** DuckDB's reading of a file against the reference's reading of the same rows. */
async function assertMatchesReference(
  path: string,
  rows: readonly Record<string, unknown>[],
  spec: RowSpec,
  config: Omit<AuditConfig, 'attributes'> = { intersections: true },
): Promise<void> {
  const reference = cellsFromRows(rows, spec);
  const read = await readDecisionFile(path, spec, { sampleLimit: 1000 });
  assert.equal(read.rows, reference.rows, 'rows read');
  assert.equal(read.accepted, reference.rows - reference.rejected.length, 'rows accepted');
  assertSameCells(read.cells, reference.cells);

  const referenceCounts = new Map<string, number>();
  for (const r of reference.rejected) referenceCounts.set(r.column, (referenceCounts.get(r.column) ?? 0) + 1);
  assert.deepEqual(
    new Map(read.rejected.reasons.map((r) => [r.column, r.rows])),
    referenceCounts,
    'rejected rows per column',
  );
  assert.deepEqual(
    read.rejected.sample.map((s) => [s.record, s.column]),
    reference.rejected.map((r) => [r.row + 1, r.column]),
    'rejected rows in file order',
  );
  for (const [i, s] of read.rejected.sample.entries()) {
    const expectedReason = reference.rejected[i]!.reason.split(', got ')[0]!;
    assert.ok(s.reason.startsWith(expectedReason), `${s.reason} vs ${expectedReason}`);
  }
  if (reference.cells.length > 0) {
    const full = { ...config, attributes: [...spec.groups] };
    assert.deepEqual(computeAudit(read.cells, full), computeAudit(reference.cells, full));
  }
}

// ---------------------------------------------------------------------------------------------

const CSV: DecisionSource = { path: '/data/decisions.csv', format: 'csv', compression: 'none' };

function resolved(spec: RowSpec, types: Record<string, string> = {}): ResolvedSpec {
  const names = [spec.label, ...spec.groups, spec.weight, spec.score, spec.prediction].filter(
    (n): n is string => n !== undefined,
  );
  const result = resolveColumns(
    spec,
    names.map((name) => ({ name, type: types[name] ?? 'VARCHAR' })),
  );
  assert.ok(result.ok);
  return result.value;
}

describe('SQL builder', () => {
  test('one attribute: one GROUP BY over the value and the outcome code, counts only, the path a parameter', () => {
    const query = buildCellsQuery(CSV, resolved({ label: 'y', prediction: 'p', groups: ['race'] }));
    assert.match(query.sql, /GROUP BY g0, k\n/);
    assert.match(query.sql, /SELECT g0, k, count\(\*\) AS n\n/);
    assert.doesNotMatch(query.sql, /fsum|GROUPING SETS/);
    assert.match(query.sql, /read_csv\(\$path, header = true, all_varchar = true/);
    assert.deepEqual(query.params, { path: '/data/decisions.csv' });
    assert.ok(!query.sql.includes('/data/decisions.csv'), 'the path never enters the SQL text');
  });

  test('several attributes: one GROUP BY over the full combination (computeAudit rolls up the marginals)', () => {
    const query = buildCellsQuery(
      CSV,
      resolved({ label: 'y', prediction: 'p', groups: ['race', 'sex', 'age'] }),
    );
    assert.match(query.sql, /GROUP BY g0, g1, g2, k\n/);
    assert.match(query.sql, /NULLIF\("race", ''\) AS g0/);
    assert.match(query.sql, /NULLIF\("age", ''\) AS g2/);
    assert.doesNotMatch(query.sql, /GROUPING SETS|ROLLUP|CUBE/);
  });

  test('weights: compensated sums of w and w², and a weight check in the reference order', () => {
    const query = buildCellsQuery(CSV, resolved({ label: 'y', prediction: 'p', groups: ['g'], weight: 'w' }));
    assert.match(query.sql, /fsum\(w\) AS w, fsum\(w \* w\) AS w2/);
    const label = query.sql.indexOf('WHEN y = -1 THEN 6');
    const weight = query.sql.indexOf('WHEN w IS NULL OR NOT isfinite(w) OR w < 0 THEN 7');
    const prediction = query.sql.indexOf('WHEN p IS NULL OR p = -1 THEN 9');
    assert.ok(label >= 0 && label < weight && weight < prediction, 'label, then weight, then prediction');
  });

  test('score and threshold: positive when score >= $threshold, the threshold a parameter, Σw·score summed', () => {
    const query = buildCellsQuery(
      CSV,
      resolved({ label: 'y', score: 'risk', threshold: 0.625, groups: ['g'], weight: 'w' }),
    );
    assert.match(query.sql, /\(s >= \$threshold\)/);
    assert.match(query.sql, /fsum\(w \* s\) AS ws/);
    assert.equal(query.params['threshold'], 0.625);
    assert.ok(!query.sql.includes('0.625'));
    const unweighted = buildCellsQuery(
      CSV,
      resolved({ label: 'y', score: 'risk', threshold: 5, groups: ['g'] }),
    );
    assert.match(unweighted.sql, /fsum\(s\) AS ws/);
  });

  test('identifiers: double quotes doubled, spaces and unicode kept inside quotes, NUL refused', () => {
    assert.equal(quoteIdentifier('race'), '"race"');
    assert.equal(quoteIdentifier('we"ird'), '"we""ird"');
    assert.equal(quoteIdentifier('"'), '""""');
    assert.equal(quoteIdentifier('with space'), '"with space"');
    assert.equal(quoteIdentifier('naïve ☃ 名前'), '"naïve ☃ 名前"');
    assert.equal(quoteIdentifier('x"); DROP TABLE t; --'), '"x""); DROP TABLE t; --"');
    assert.throws(() => quoteIdentifier('a\u0000b'), RangeError);
    const hostile = ['a"b', 'x"); DROP TABLE t; --', 'with space', "it's", 'naïve ☃'];
    const query = buildCellsQuery(
      CSV,
      resolved({ label: hostile[0]!, prediction: hostile[1]!, groups: hostile.slice(2) }),
    );
    assert.ok(query.sql.includes('"a""b"'));
    assert.ok(query.sql.includes('"x""); DROP TABLE t; --"'));
    assert.ok(query.sql.includes(`NULLIF("it's", '') AS g1`));
    // Outside quoted identifiers, the SQL holds none of the names' characters.
    const unquoted = query.sql.replaceAll(/"(?:[^"]|"")*"/g, '');
    for (const name of hostile) assert.ok(!unquoted.includes(name), name);
  });

  test('column kinds choose the parsing rules: typed numbers compare to 0/1, text is folded, JSON is classified', () => {
    assert.equal(columnKind('VARCHAR'), 'varchar');
    assert.equal(columnKind('BIGINT'), 'integer');
    assert.equal(columnKind('DECIMAL(9,2)'), 'decimal');
    assert.equal(columnKind('DOUBLE'), 'float');
    assert.equal(columnKind('BOOLEAN'), 'boolean');
    assert.equal(columnKind('JSON'), 'json');
    assert.equal(columnKind('DATE'), 'other');
    const typed = buildCellsQuery(
      { ...CSV, format: 'parquet' },
      resolved({ label: 'y', prediction: 'p', groups: ['g'] }, { y: 'BIGINT', p: 'BOOLEAN', g: 'INTEGER' }),
    );
    assert.match(typed.sql, /WHEN "y" = 1 THEN 1 WHEN "y" = 0 THEN 0 ELSE -1/);
    assert.match(typed.sql, /CASE WHEN "p" THEN 1 WHEN NOT "p" THEN 0 END AS p/);
    assert.match(typed.sql, /CAST\("g" AS VARCHAR\) AS g0/);
    assert.match(typed.sql, /read_parquet\(\$path\)/);
    const ndjson = buildCellsQuery(
      { ...CSV, format: 'ndjson', compression: 'gzip' },
      resolved({ label: 'y', prediction: 'p', groups: ['g'] }, { y: 'JSON', p: 'JSON', g: 'JSON' }),
    );
    assert.match(
      ndjson.sql,
      /read_json\(\$path, format = 'newline_delimited', columns = \$columns, compression = 'gzip'\)/,
    );
    assert.deepEqual(ndjson.params['columns'], { y: 'JSON', g: 'JSON', p: 'JSON' });
  });

  test('resolveColumns: exact, then trimmed, then case-insensitive; every missing column reported', () => {
    const columns = [
      { name: 'race', type: 'VARCHAR' },
      { name: 'Sex', type: 'VARCHAR' },
      { name: 'label', type: 'BIGINT' },
      { name: 'pred', type: 'VARCHAR' },
    ];
    const ok = resolveColumns({ label: ' label', prediction: 'pred', groups: ['race', 'sex'] }, columns);
    assert.ok(ok.ok);
    assert.deepEqual(ok.value.spec, { label: 'label', prediction: 'pred', groups: ['race', 'Sex'] });
    assert.equal(ok.value.kinds.get('label'), 'integer');
    const missing = resolveColumns(
      { label: 'y', prediction: 'pred', groups: ['race', 'age'], weight: 'w' },
      columns,
    );
    assert.ok(!missing.ok);
    assert.deepEqual(missing.missing, [
      { role: 'label', column: 'y' },
      { role: 'group', column: 'age' },
      { role: 'weight', column: 'w' },
    ]);
  });

  test('format and compression come from the first bytes', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    assert.equal(sniffFormat(bytes('PAR1....')), 'parquet');
    assert.equal(sniffFormat(bytes('\ufeff \n{"a":1}\n')), 'ndjson');
    assert.equal(sniffFormat(bytes('a,b\n1,2\n')), 'csv');
    assert.equal(sniffFormat(bytes('  \n')), null);
    assert.equal(sniffFormat(bytes('[{"a":1}]')), 'json_array');
    assert.equal(sniffCompression(gzipSync(bytes('a,b\n'))), 'gzip');
    assert.equal(sniffCompression(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0])), 'zstd');
    assert.equal(sniffCompression(bytes('a,b')), 'none');
  });

  test('result rows map to cells sorted by value, rejects counted per column, row cap detected', () => {
    const spec: RowSpec = { label: 'y', prediction: 'p', groups: ['g'], weight: 'w' };
    const result = cellsFromQueryRows(
      [
        { g0: 'b', k: 0, n: 2, w: 3, w2: 5 },
        { g0: null, k: 5, n: 1, w: 0.5, w2: 0.25 },
        { g0: 'a', k: 3, n: 1, w: 1, w2: 1 },
        { g0: 'a', k: 7, n: 4, w: null, w2: null },
        { g0: 'b', k: 6, n: 1, w: 1, w2: 1 },
      ],
      spec,
    );
    assert.deepEqual(
      result.cells.map((c) => c.attributes['g']),
      ['a', 'b', null],
    );
    assert.deepEqual(result.cells[1]!.weighted, { tp: 3, fp: 0, tn: 0, fn: 0, pu: 0, nu: 0 });
    assert.deepEqual(result.cells[2]!.squares, { tp: 0, fp: 0, tn: 0, fn: 0, pu: 0, nu: 0.25 });
    assert.equal(result.rows, 9);
    assert.equal(result.accepted, 4);
    assert.deepEqual(
      result.rejected.map((r) => [r.column, r.rows]),
      [
        ['y', 1],
        ['w', 4],
      ],
    );
    const unweighted: RowSpec = { label: 'y', prediction: 'p', groups: ['g'] };
    const capped = cellsFromQueryRows(
      [
        { g0: 'a', k: 0, n: 1 },
        { g0: 'b', k: 0, n: 1 },
      ],
      unweighted,
      { maxRows: 1 },
    );
    assert.equal(capped.truncated, true);
    const rows = [
      { g0: 'a', k: 0, n: 1 },
      { g0: 'b', k: 0, n: 1 },
    ];
    assert.equal(cellsFromQueryRows(rows, unweighted, { maxCells: 1 }).truncated, true);
    assert.equal(cellsFromQueryRows(rows, unweighted, { maxCells: 2 }).truncated, false);
  });

  test('located rejects: CSV line = record + 1, moved down past skipped malformed lines; Parquet has rows only', () => {
    const spec: RowSpec = { label: 'y', prediction: 'p', groups: ['g'] };
    const text = resolved(spec);
    const rows = [{ record: 4, k: 6, raw_label: '2', raw_weight: null, raw_decision: '1' }];
    assert.equal(rejectedFromQueryRows(rows, text, 'csv')[0]!.line, 5);
    assert.equal(rejectedFromQueryRows(rows, text, 'csv', [2, 3, 9])[0]!.line, 7);
    assert.equal(rejectedFromQueryRows(rows, text, 'ndjson')[0]!.line, 4);
    assert.equal(rejectedFromQueryRows(rows, text, 'parquet')[0]!.line, null);
    const [located] = rejectedFromQueryRows(rows, text, 'csv');
    assert.equal(located!.column, 'y');
    assert.equal(located!.reason, 'label must be 0/1 or true/false, got "2"');
    const typed = rejectedFromQueryRows(rows, resolved(spec, { y: 'BIGINT' }), 'parquet');
    assert.equal(typed[0]!.reason, 'label must be 0/1 or true/false, got 2');
    const rejects = buildRejectsQuery(CSV, text, { limit: 20, ordinality: 'ordinality' });
    assert.match(rejects.sql, /WITH ORDINALITY/);
    assert.match(rejects.sql, /WHERE k >= 6\nORDER BY record\nLIMIT 20$/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('DuckDB cells equal cellsFromRows cells (and so computeAudit is identical)', () => {
  const compas = loadCompas();
  const compasFile =
    compas.source === 'original'
      ? join(DATA_DIR, 'compas-scores-two-years.csv')
      : join(FIXTURES, 'compas.csv.gz');

  test(`COMPAS as published (${compas.source === 'original' ? 'the original file' : 'the gzipped extract'}): decile_score >= 5 by race and sex`, async () => {
    assert.ok(existsSync(compasFile));
    await assertMatchesReference(
      compasFile,
      compas.records,
      { label: 'two_year_recid', score: 'decile_score', threshold: 5, groups: ['race', 'sex'] },
      { intersections: true, reference: { race: 'Caucasian', sex: 'Male' } },
    );
  });

  test('COMPAS decisions with weights 1 + (id mod 4)/2, as CSV, NDJSON and Parquet', async () => {
    const rows = compasDecisions(compas.records);
    const spec: RowSpec = {
      label: 'label',
      prediction: 'predicted',
      groups: ['race', 'sex'],
      weight: 'weight',
    };
    const csv = tempPath('csv');
    writeFileSync(csv, toCsv(['race', 'sex', 'predicted', 'label', 'weight'], rows));
    await assertMatchesReference(csv, rows, spec);
    const ndjson = tempPath('ndjson');
    writeFileSync(ndjson, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await assertMatchesReference(ndjson, rows, spec);
    const parquet = tempPath('parquet');
    const engine = await openDuckDb();
    try {
      await engine.query(
        `COPY (SELECT * FROM read_csv($csv, header = true)) TO '${parquet}' (FORMAT parquet)`,
        { csv },
      );
    } finally {
      engine.close();
    }
    await assertMatchesReference(parquet, rows, spec);
  });

  test('UCI Adult decisions (education-num >= 13) by sex and race, gzipped CSV', async () => {
    const rows = adultDecisions(loadAdult().records);
    const path = tempPath('csv.gz');
    writeFileSync(path, gzipSync(toCsv(['sex', 'race', 'predicted', 'label'], rows)));
    await assertMatchesReference(
      path,
      rows,
      { label: 'label', prediction: 'predicted', groups: ['sex', 'race'] },
      { intersections: true, reference: { sex: 'Male', race: 'White' } },
    );
  });

  test('hostile column names and values: quotes, spaces, commas, line breaks, unicode', async () => {
    const names = {
      label: 'y"',
      prediction: 'x"); DROP TABLE t; --',
      group: 'naïve ☃ col',
      other: "it's, odd",
    };
    const rows = [
      { [names.group]: 'a"b', [names.other]: 'p', [names.label]: '1', [names.prediction]: '1' },
      { [names.group]: 'line\nbreak', [names.other]: 'q', [names.label]: '0', [names.prediction]: 'true' },
      { [names.group]: ' spaced ', [names.other]: 'é☃', [names.label]: 'maybe', [names.prediction]: '0' },
      { [names.group]: 'c,d', [names.other]: '', [names.label]: '', [names.prediction]: 'no' },
    ];
    const path = tempPath('csv');
    writeFileSync(path, toCsv([names.group, names.other, names.label, names.prediction], rows));
    await assertMatchesReference(path, rows, {
      label: names.label,
      prediction: names.prediction,
      groups: [names.group, names.other],
    });
  });

  // Random decisions as text (CSV): mostly valid spellings, some missing, some invalid.
  const oneOf = (valid: unknown[], other: unknown[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...valid), weight: 6 },
      { arbitrary: fc.constantFrom(...other), weight: 1 },
    );
  const textRow = fc.record({
    a: fc.constantFrom('x', 'y', 'z', '', ' x ', 'a"b', 'é☃', 'c,d', 'two\nlines', 'null'),
    b: fc.constantFrom('p', 'q', ''),
    y: oneOf(['0', '1', 'true', 'FALSE', ' yes ', 'No'], ['', '2', 'maybe', '1.0']),
    p: oneOf(['0', '1', 'true', 'false', ' 1 '], ['', 'x', '-1']),
    s: oneOf(['0', '0.25', '0.5', '0.75', '1', ' 0.5 ', '5e-1', '-0.125'], ['', 'abc', 'NaN']),
    w: oneOf(['0.25', '0.5', '1', '2', '0', ' 1.5 ', '3'], ['', '-1', 'heavy']),
  });

  test('random text rows as CSV: prediction or score, with or without weights (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(textRow, { minLength: 1, maxLength: 80 }),
        fc.boolean(),
        fc.boolean(),
        async (rows, scored, weighted) => {
          const path = tempPath('csv');
          writeFileSync(path, toCsv(['a', 'b', 'y', 'p', 's', 'w'], rows));
          const spec: RowSpec = {
            label: 'y',
            groups: ['a', 'b'],
            ...(scored ? { score: 's', threshold: 0.5 } : { prediction: 'p' }),
            ...(weighted ? { weight: 'w' } : {}),
          };
          await assertMatchesReference(path, rows, spec);
        },
      ),
      { numRuns: 25 },
    );
  });

  // Random decisions as JSON values (NDJSON): numbers, booleans, strings, null and absent keys.
  const jsonRow = fc.record(
    {
      a: fc.constantFrom('x', 'y', '', 3, true, null, 'a"b'),
      b: fc.constantFrom('p', 'q', 7),
      y: oneOf([0, 1, true, false, '1', '0', ' yes '], [null, 2, 'maybe', 0.5, { v: 1 }]),
      p: oneOf([0, 1, true, false, 'true', '0'], [null, 2, 'x', [1]]),
      s: oneOf([0, 0.25, 0.5, 0.75, 1, '0.5', ' 0.25 '], [null, 'abc', true]),
      w: oneOf([0.25, 0.5, 1, 2, '1.5', 0], [null, -1, 'heavy', false]),
    },
    { requiredKeys: ['b'] },
  );

  test('random JSON rows as NDJSON, absent keys included (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jsonRow, { minLength: 1, maxLength: 80 }),
        fc.boolean(),
        fc.boolean(),
        async (rows, scored, weighted) => {
          // Every key appears in the first record, so the file's columns are known from its start.
          const first = { a: null, y: null, p: null, s: null, w: null, ...rows[0] };
          const all = [first, ...rows.slice(1)];
          const path = tempPath('ndjson');
          writeFileSync(path, all.map((r) => JSON.stringify(r)).join('\n') + '\n');
          const spec = {
            label: 'y',
            groups: ['a', 'b'],
            ...(scored ? { score: 's', threshold: 0.5 } : { prediction: 'p' }),
            ...(weighted ? { weight: 'w' } : {}),
          } as RowSpec;
          await assertMatchesReference(path, all, spec);
        },
      ),
      { numRuns: 25 },
    );
  });

  // Random typed rows (Parquet): integer label, boolean prediction, double score and weight, nulls.
  const typedRow = fc.record({
    a: fc.constantFrom('x', 'y', null, 'é☃'),
    n: fc.constantFrom(1, 2, 3, null),
    y: oneOf([0, 1], [null, 2]),
    p: oneOf([true, false], [null]),
    s: oneOf([0, 0.25, 0.5, 0.75, 1], [null]),
    w: oneOf([0.25, 0.5, 1, 2, 0], [null, -1]),
  });

  test('random typed rows as Parquet (property)', async () => {
    const engine = await openDuckDb();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(typedRow, { minLength: 1, maxLength: 60 }),
          fc.boolean(),
          async (rows, scored) => {
            const ndjson = tempPath('ndjson');
            writeFileSync(ndjson, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
            const parquet = tempPath('parquet');
            await engine.query(
              `COPY (SELECT * FROM read_json($ndjson, format = 'newline_delimited', columns = {a: 'VARCHAR', n: 'INTEGER', y: 'INTEGER', p: 'BOOLEAN', s: 'DOUBLE', w: 'DOUBLE'}))
             TO '${parquet}' (FORMAT parquet)`,
              { ndjson },
            );
            const spec = {
              label: 'y',
              groups: ['a', 'n'],
              weight: 'w',
              ...(scored ? { score: 's', threshold: 0.5 } : { prediction: 'p' }),
            } as RowSpec;
            await assertMatchesReference(parquet, rows, spec);
          },
        ),
        { numRuns: 20 },
      );
    } finally {
      engine.close();
    }
  });
});
