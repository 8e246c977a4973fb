// `oversight audit run` end to end: the real CLI process on COMPAS as CSV, NDJSON and Parquet,
// checked against the reference fixture, ProPublica's published rates and the in-memory
// pipeline; and its errors. The command needs no database and no master key: the child gets
// nothing but PATH, and runs in an empty directory that must stay empty.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { cellsFromRows } from '../../src/modules/audits/cells.ts';
import { computeAudit } from '../../src/modules/audits/audit.ts';
import { RATE_NAMES } from '../../src/modules/audits/metrics.ts';
import { ERROR_CODES } from '../../../contract/src/errors.ts';
import { parseAuditRunArgs } from '../../src/cli/audit-command.ts';
import { AppError } from '../../src/shared/app-error.ts';
import { openDuckDb } from '../../src/storage/duckdb/duckdb-engine.ts';
import { FIXTURES, fixture, parseCsv, toRecords } from '../audits/fairness-data.ts';

const BIN = fileURLToPath(new URL('../../bin/oversight.js', import.meta.url));

type Run = { code: number; stdout: string; stderr: string; json: any };

function cli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

const reference = fixture('reference.json').compas;
const SCORE = ['--label', 'two_year_recid', '--score', 'decile_score', '--threshold', '5'];

function close(actual: unknown, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.equal(typeof actual, 'number', `${what}: ${String(actual)}`);
  assert.ok(
    Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${String(actual)} vs ${expected}`,
  );
}

function groupOf(result: any, attributes: Record<string, string>): any {
  const keys = Object.keys(attributes).sort().join(',');
  const found = result.groups.find(
    (g: any) =>
      Object.keys(g.attributes).sort().join(',') === keys &&
      Object.entries(attributes).every(([k, v]) => g.attributes[k] === v),
  );
  assert.ok(found, `no group ${JSON.stringify(attributes)}`);
  return found;
}

/** Every group of the fixture's attribute sets: counts and all eleven rates, to 1e-9. */
function matchFixture(result: any, sets: string[][]): void {
  for (const set of reference.unweighted.sets.filter((s: any) =>
    sets.some((w) => w.join() === s.attributes.join()),
  )) {
    for (const expected of set.groups) {
      const mine = groupOf(result, expected.attributes);
      const where = JSON.stringify(expected.attributes);
      for (const count of ['n', 'tp', 'fp', 'tn', 'fn'] as const)
        close(mine[count], expected[count], `${where} ${count}`);
      for (const rate of RATE_NAMES) close(mine[rate], expected.rates[rate], `${where} ${rate}`);
    }
  }
}

describe('oversight audit run (COMPAS, decile_score >= 5)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'oversight-audit-cli-'));
  const data = mkdtempSync(join(tmpdir(), 'oversight-audit-data-'));
  const csvText = gunzipSync(readFileSync(join(FIXTURES, 'compas.csv.gz'))).toString('utf8');
  const records = toRecords(parseCsv(csvText));
  const files = {
    csv: join(data, 'compas.csv'),
    ndjson: join(data, 'compas.ndjson'),
    parquet: join(data, 'compas.parquet'),
  };
  const outputs: Record<string, { race: any; intersections: any }> = {};

  before(async () => {
    writeFileSync(files.csv, csvText);
    const engine = await openDuckDb();
    try {
      // Typed by DuckDB's sniffer: numbers stay numbers in the JSON and Parquet files.
      await engine.query(
        `COPY (SELECT * FROM read_csv($csv, header = true)) TO '${files.ndjson}' (FORMAT json)`,
        { csv: files.csv },
      );
      await engine.query(
        `COPY (SELECT * FROM read_csv($csv, header = true)) TO '${files.parquet}' (FORMAT parquet)`,
        { csv: files.csv },
      );
    } finally {
      engine.close();
    }
    for (const [format, path] of Object.entries(files)) {
      const race = await cli(['audit', 'run', '--input', path, ...SCORE, '--group', 'race', '--json'], cwd);
      assert.equal(race.code, 0, `${format}: ${race.stderr}${race.stdout.slice(0, 500)}`);
      const intersections = await cli(
        [
          'audit',
          'run',
          '--input',
          path,
          ...SCORE,
          '--group',
          'race',
          '--group',
          'sex',
          '--intersections',
          '--json',
        ],
        cwd,
      );
      assert.equal(intersections.code, 0, `${format}: ${intersections.stderr}`);
      outputs[format] = { race: race.json, intersections: intersections.json };
    }
  });
  after(() => {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  for (const format of ['csv', 'ndjson', 'parquet'] as const) {
    test(`${format}: --group race matches the reference fixture, one groups entry per race, one aggregates entry`, () => {
      const result = outputs[format]!.race;
      assert.equal(result.rows, 7214);
      assert.deepEqual(
        result.groups.map((g: { attributes: Record<string, string> }) => g.attributes['race']),
        ['African-American', 'Asian', 'Caucasian', 'Hispanic', 'Native American', 'Other'],
      );
      assert.deepEqual(
        result.aggregates.map((a: { attributes: string[] }) => a.attributes),
        [['race']],
      );
      assert.ok(Array.isArray(result.findings) && result.findings.length > 0);
      assert.equal(result.rejected, undefined);
      matchFixture(result, [['race']]);
    });

    test(`${format}: --intersections adds every observed race × sex, with one aggregates entry per attribute set`, () => {
      const result = outputs[format]!.intersections;
      assert.deepEqual(
        result.aggregates.map((a: { attributes: string[] }) => a.attributes),
        [['race'], ['sex'], ['race', 'sex']],
      );
      const intersections = result.groups.filter((g: any) => Object.keys(g.attributes).length === 2);
      assert.equal(intersections.length, reference.unweighted.sets[1].groups.length);
      assert.equal(result.groups.filter((g: any) => Object.keys(g.attributes).join() === 'sex').length, 2);
      matchFixture(result, [['race'], ['race', 'sex']]);
    });
  }

  test("ProPublica's published false positive rates: 44.9% African-American vs 23.5% Caucasian", () => {
    const published = reference.published.false_positive_rate;
    for (const race of ['African-American', 'Caucasian']) {
      const fpr = groupOf(outputs['csv']!.race, { race }).false_positive_rate;
      assert.ok(Math.abs(fpr - published[race]) <= 0.001, `${race} FPR ${fpr} vs ${published[race]}`);
    }
  });

  test('the JSON is exactly computeAudit over the in-memory reference cells, in all three formats', () => {
    const config = { attributes: ['race', 'sex'], intersections: true };
    const { cells } = cellsFromRows(records, {
      label: 'two_year_recid',
      score: 'decile_score',
      threshold: 5,
      groups: ['race', 'sex'],
    });
    const expected = JSON.parse(JSON.stringify(computeAudit(cells, config)));
    assert.deepEqual(outputs['csv']!.intersections, expected);
    assert.deepEqual(outputs['ndjson']!.intersections, expected);
    assert.deepEqual(outputs['parquet']!.intersections, expected);
  });

  test('needs no database and no master key: the empty working directory stays empty', () => {
    assert.deepEqual(readdirSync(cwd), []);
  });

  test('without --json: a readable table per attribute set, aggregates and findings', async () => {
    const r = await cli(
      ['audit', 'run', '--input', files.csv, ...SCORE, '--group', 'race', '--reference', 'race=Caucasian'],
      cwd,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Audit of .*compas\.csv \(csv\): 7214 decisions/);
    assert.match(r.stdout, /race\s+n\s+selected\s+TPR\s+FPR/);
    assert.match(r.stdout, /African-American\s+3696\s+0\.588\s+0\.720\s+0\.448/);
    assert.match(r.stdout, /Caucasian\s+2454 .* reference/);
    assert.match(r.stdout, /demographic parity difference/);
    assert.match(r.stdout, /Findings: \d+/);
  });

  test('options reach the audit: --reference, --min-group-size, --alpha, --correction bh, --weight', async () => {
    const weighted = join(data, 'weighted.csv');
    const [header, ...body] = csvText.trimEnd().split('\n');
    writeFileSync(weighted, [`${header},w`, ...body.map((line) => `${line},2`)].join('\n') + '\n');
    const r = await cli(
      [
        'audit',
        'run',
        '--input',
        weighted,
        ...SCORE,
        '--group',
        'race',
        '--reference',
        'race=Caucasian',
        '--min-group-size',
        '10',
        '--alpha',
        '0.01',
        '--correction',
        'bh',
        '--weight',
        'w',
        '--json',
      ],
      cwd,
    );
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(r.json.aggregates[0].reference.attributes, { race: 'Caucasian' });
    assert.equal(r.json.method.alpha, 0.01);
    assert.equal(r.json.method.correction, 'benjamini_hochberg');
    assert.equal(r.json.method.small_cells.minN, 10);
    assert.equal(r.json.rows, 7214);
    assert.equal(r.json.weighted_n, 2 * 7214);
    assert.ok(!groupOf(r.json, { race: 'Native American' }).flags.includes('small_n'));
  });

  describe('errors', () => {
    test('a missing file: NOT_FOUND, exit 4', async () => {
      const r = await cli(
        ['audit', 'run', '--input', join(data, 'nope.csv'), ...SCORE, '--group', 'race'],
        cwd,
      );
      assert.equal(r.code, 4);
      assert.match(r.stderr, /NOT_FOUND: no file .*nope\.csv/);
    });

    test('a missing column: exit 2, naming the column and listing those that exist', async () => {
      const r = await cli(
        ['audit', 'run', '--input', files.csv, ...SCORE, '--group', 'ethnicity', '--json'],
        cwd,
      );
      assert.equal(r.code, 2);
      assert.equal(r.json.error.code, 'VALIDATION_FAILED');
      assert.match(r.json.error.message, /ethnicity/);
      assert.match(r.json.error.message, /id, race, sex, decile_score, two_year_recid/);
      const text = await cli(
        [
          'audit',
          'run',
          '--input',
          files.parquet,
          '--label',
          'recid',
          '--prediction',
          'p',
          '--group',
          'race',
        ],
        cwd,
      );
      assert.equal(text.code, 2);
      assert.match(text.stderr, /no column "recid" \(label\), "p" \(prediction\) in .*compas\.parquet/);
      assert.match(text.stderr, /two_year_recid/);
    });

    test('a bad label value in line N: exit 2, naming the line and the column; --allow-rejects audits the rest', async () => {
      const lines = csvText.split('\n');
      lines[99] = lines[99]!.replace(/,[01]$/, ',2'); // line 100 of the file (the header is line 1)
      const bad = join(data, 'bad-label.csv');
      writeFileSync(bad, lines.join('\n'));
      const r = await cli(['audit', 'run', '--input', bad, ...SCORE, '--group', 'race'], cwd);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /1 of 7214 rows .* rejected/);
      assert.match(r.stderr, /line 100, column two_year_recid: label must be 0\/1 or true\/false, got "2"/);
      assert.equal(r.stdout, '', 'no audit over partly rejected data');

      const json = await cli(['audit', 'run', '--input', bad, ...SCORE, '--group', 'race', '--json'], cwd);
      assert.equal(json.code, 2);
      assert.equal(json.json.error.details.rejected.rows, 1);
      assert.deepEqual(json.json.error.details.rejected.sample[0], {
        record: 99,
        line: 100,
        column: 'two_year_recid',
        value: '2',
        reason: 'label must be 0/1 or true/false, got "2"',
      });

      const allowed = await cli(
        ['audit', 'run', '--input', bad, ...SCORE, '--group', 'race', '--allow-rejects', '--json'],
        cwd,
      );
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(allowed.json.rows, 7213);
      assert.equal(allowed.json.rejected.rows_read, 7214);
      assert.deepEqual(allowed.json.rejected.reasons, [
        { column: 'two_year_recid', reason: 'label must be 0/1 or true/false', rows: 1 },
      ]);
    });

    test('a non-numeric score in NDJSON line N and a malformed CSV line are located too', async () => {
      const ndjsonLines = readFileSync(files.ndjson, 'utf8').split('\n');
      ndjsonLines[41] = ndjsonLines[41]!.replace(/"decile_score":\d+/, '"decile_score":"high"');
      const badJson = join(data, 'bad-score.ndjson');
      writeFileSync(badJson, ndjsonLines.join('\n'));
      const r = await cli(['audit', 'run', '--input', badJson, ...SCORE, '--group', 'race'], cwd);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /line 42, column decile_score: score must be a finite number, got "high"/);

      const csvLines = csvText.split('\n');
      csvLines[9] = '10,Other,Male';
      const malformed = join(data, 'malformed.csv');
      writeFileSync(malformed, csvLines.join('\n'));
      const m = await cli(['audit', 'run', '--input', malformed, ...SCORE, '--group', 'race'], cwd);
      assert.equal(m.code, 2);
      assert.match(m.stderr, /line 10: malformed CSV line/);
    });

    test('--prediction and --score together: exit 2', async () => {
      const r = await cli(
        ['audit', 'run', '--input', files.csv, ...SCORE, '--prediction', 'decile_score', '--group', 'race'],
        cwd,
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /either --prediction .* or --score .*not both/);
    });

    test('flags are checked before the file is read, each refusal naming its flag (exit 2)', () => {
      const cases: [string[], RegExp][] = [
        [['--label', 'y', '--prediction', 'p', '--group', 'race'], /--input/],
        [['--input', 'f', '--label', 'y', '--score', 's', '--group', 'race'], /--threshold/],
        [
          ['--input', 'f', '--label', 'y', '--prediction', 'p', '--threshold', '1', '--group', 'g'],
          /--threshold applies to --score/,
        ],
        [['--input', 'f', '--label', 'y', '--prediction', 'p'], /--group/],
        [
          ['--input', 'f', '--label', 'y', '--prediction', 'p', '--group', 'g', '--group', 'g'],
          /given twice/,
        ],
        [['--input', 'f', ...SCORE, '--group', 'race', '--threshold', 'x'], /--threshold must be a number/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--reference', 'sex=Male'], /not one of the --group/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--reference', 'race'], /ATTRIBUTE=VALUE/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--correction', 'bonferroni'], /holm or bh/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--alpha', '1'], /--alpha/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--min-group-size', '2.5'], /--min-group-size/],
        [['--input', 'f', ...SCORE, '--group', 'race', '--bogus'], /Unknown option '--bogus'/],
      ];
      for (const [args, message] of cases) {
        assert.throws(
          () => parseAuditRunArgs(args),
          (error: unknown) =>
            error instanceof AppError &&
            ERROR_CODES[error.code].exitCode === 2 &&
            message.test(error.message),
          args.join(' '),
        );
      }
      const parsed = parseAuditRunArgs([
        '--input',
        'f',
        ...SCORE,
        '--group',
        'race',
        '--group',
        'sex',
        '--intersections',
        '--correction',
        'bh',
        '--reference',
        'race=A=B',
      ]);
      assert.deepEqual(parsed.spec, {
        label: 'two_year_recid',
        groups: ['race', 'sex'],
        score: 'decile_score',
        threshold: 5,
      });
      assert.deepEqual(parsed.config, {
        attributes: ['race', 'sex'],
        intersections: true,
        reference: { race: 'A=B' },
        correction: 'benjamini_hochberg',
      });
    });

    test('a reference value nobody has: exit 2 naming it', async () => {
      const r = await cli(
        ['audit', 'run', '--input', files.csv, ...SCORE, '--group', 'race', '--reference', 'race=Martian'],
        cwd,
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--reference race: no decisions have race=Martian/);
    });
  });
});
