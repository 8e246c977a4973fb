/**
 * The public fairness data sets the reference tests run on. Each loader reads the original file
 * from OVERSIGHT_FAIRNESS_DATA (default /work/shared/data/fairness) when it exists, else the
 * column extract committed beside the fixtures (written by scripts/fixtures/fairness_reference.py),
 * so the tests run on a fresh clone too. Rows come back as records of raw CSV strings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'fairness');
export const DATA_DIR = process.env['OVERSIGHT_FAIRNESS_DATA'] ?? '/work/shared/data/fairness';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Turns parsed CSV into records keyed by header; with duplicate header names the first column wins. */
export function toRecords(rows: readonly string[][]): Record<string, string>[] {
  const [header, ...body] = rows;
  if (header === undefined) return [];
  return body
    .filter((row) => row.length > 1 || row[0] !== '')
    .map((row) => {
      const record: Record<string, string> = {};
      header.forEach((name, i) => {
        if (!Object.hasOwn(record, name)) record[name] = row[i] ?? '';
      });
      return record;
    });
}

function readText(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/** Where a data set was read from. */
export type Loaded = { source: 'original' | 'extract'; records: Record<string, string>[] };

function load(original: string, extract: string): Loaded {
  const path = join(DATA_DIR, original);
  if (existsSync(path)) return { source: 'original', records: toRecords(parseCsv(readText(path))) };
  return { source: 'extract', records: toRecords(parseCsv(readText(join(FIXTURES, extract)))) };
}

/** ProPublica COMPAS two-year data (7,214 rows). */
export function loadCompas(): Loaded {
  return load('compas-scores-two-years.csv', 'compas.csv.gz');
}

/** UCI Adult training data (32,561 rows); header names and values keep UCI's leading space. */
export function loadAdult(): Loaded {
  return load('adult.data', 'adult.csv.gz');
}

/** The committed extract of a data set, for provenance checks. */
export function loadExtract(name: 'compas.csv.gz' | 'adult.csv.gz'): Record<string, string>[] {
  return toRecords(parseCsv(readText(join(FIXTURES, name))));
}

/** Reads a JSON fixture. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** COMPAS rows as decision records: prediction = decile_score >= 5, label = two_year_recid, test weights 1 + (id mod 4)/2. */
export function compasDecisions(records: readonly Record<string, string>[]): Record<string, unknown>[] {
  return records.map((r) => ({
    race: r['race'],
    sex: r['sex'],
    predicted: Number(r['decile_score']) >= 5 ? 1 : 0,
    label: r['two_year_recid'],
    weight: 1 + (Number(r['id']) % 4) / 2,
  }));
}

/** Adult rows as decision records: prediction = education-num >= 13, label = income >50K; values trimmed. */
export function adultDecisions(records: readonly Record<string, string>[]): Record<string, unknown>[] {
  return records.map((r) => ({
    sex: (r[' sex'] ?? '').trim(),
    race: (r[' race'] ?? '').trim(),
    predicted: Number(r[' education-num']) >= 13 ? 1 : 0,
    label: (r[' Y'] ?? '').trim() === '>50K' ? 1 : 0,
  }));
}
