/**
 * Synthetic decision logs for audit benchmarks: 8 race groups (unequal shares) x 2 sexes x 2
 * age bands, a score whose distribution shifts by group and outcome, the 0/1 prediction
 * score >= 0.5, a 0/1 label with a group-dependent base rate, and sampling weights in
 * {0.5, 1, 1.5, 2}. Deterministic: row i's values are hashes of i, so a file of n rows is the
 * same on every machine. DuckDB writes the file (COPY), so 10^7 rows take seconds.
 *
 *   node bench/audit-data.ts --rows 1e6 --format csv --out /tmp/audit-1e6.csv
 *   node bench/audit-data.ts --rows 1e7 --format parquet --out /tmp/audit-1e7.parquet
 *
 * Columns: decision_id, race, sex, age_band, score, prediction, label, weight.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDb } from '../packages/server/src/storage/duckdb/duckdb-engine.ts';

export type AuditDataFormat = 'csv' | 'parquet' | 'ndjson';

const RACES = ['White', 'Black', 'Hispanic', 'Asian', 'Native', 'Pacific', 'Multiracial', 'Other'];

/** Writes `rows` synthetic decisions to `out` in the given format. */
export async function writeAuditData(rows: number, format: AuditDataFormat, out: string): Promise<void> {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError('rows must be a positive integer');
  const engine = await openDuckDb();
  try {
    // u(k): a uniform [0, 1) draw for row i from the k-th hash stream.
    const u = (k: number) => `((hash(i, ${k}) % 1000003)::DOUBLE / 1000003)`;
    const races = `[${RACES.map((r) => `'${r}'`).join(', ')}]`;
    const options =
      format === 'csv'
        ? '(FORMAT csv, HEADER true)'
        : format === 'parquet'
          ? '(FORMAT parquet)'
          : '(FORMAT json)';
    await engine.query(
      `COPY (
         WITH base AS (
           SELECT i, floor(8 * pow(${u(1)}, 1.6))::INTEGER AS r, ${u(2)} AS u2, ${u(3)} AS u3,
                  ${u(4)} AS u4, ${u(5)} AS u5, hash(i, 6) % 4 AS w4
           FROM range($rows) t(i)
         ), labelled AS (
           SELECT *, CASE WHEN u4 < 0.30 + 0.03 * r THEN 1 ELSE 0 END AS label FROM base
         )
         SELECT i AS decision_id,
                ${races}[r + 1] AS race,
                CASE WHEN u2 < 0.5 THEN 'F' ELSE 'M' END AS sex,
                CASE WHEN u3 < 0.6 THEN 'under_40' ELSE '40_plus' END AS age_band,
                round(least(1.0, 0.35 * label + 0.6 * u5 + 0.02 * r), 4) AS score,
                CASE WHEN round(least(1.0, 0.35 * label + 0.6 * u5 + 0.02 * r), 4) >= 0.5 THEN 1 ELSE 0 END AS prediction,
                label,
                0.5 + w4 / 2 AS weight
         FROM labelled
       ) TO '${out.replaceAll("'", "''")}' ${options}`,
      { rows },
    );
  } finally {
    engine.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1e6' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const format = values.format as AuditDataFormat;
  if (!['csv', 'parquet', 'ndjson'].includes(format)) throw new Error('--format csv|parquet|ndjson');
  const out = resolve(values.out ?? `audit-${values.rows}.${format}`);
  const started = performance.now();
  await writeAuditData(rows, format, out);
  console.log(`wrote ${rows} rows to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
