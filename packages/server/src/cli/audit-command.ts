// `oversight audit run`: a bias audit of a decision file, without a database or a master key.
//
//   oversight audit run --input FILE --label COL (--prediction COL | --score COL --threshold T)
//     --group COL [--group COL …] [--intersections] [--min-group-size N] [--reference ATTR=VALUE]
//     [--weight COL] [--alpha A] [--correction holm|bh] [--allow-rejects] [--json]
//
// Steps: read the flags -> read the file into cells (DuckDB, one pass) -> refuse an audit over
// partly rejected data unless --allow-rejects -> computeAudit -> print.
//
// Rejected rows: a row whose label is not binary, whose prediction is missing or not binary,
// whose score or weight is missing or not a finite number (weight also >= 0), or a malformed CSV
// line, is rejected. An audit that silently left rows out could mislead, so by default any
// rejected row fails the command (VALIDATION_FAILED, exit 2) with the count per column and
// reason and the first rejected lines, and prints no audit. With --allow-rejects the audit runs
// on the other rows and its JSON carries a `rejected` key with the same report (exit 0).

import { parseArgs } from 'node:util';
import type { RowSpec } from '../modules/audits/cells.ts';
import {
  type AuditConfig,
  type AuditGroup,
  type AuditResult,
  computeAudit,
  validateAudit,
} from '../modules/audits/audit.ts';
import { AppError, validationError } from '../shared/app-error.ts';
import { type DecisionFileCells, readDecisionFile } from '../storage/duckdb/decision-file.ts';
import type { Io } from './commands.ts';

/** The flags of `audit run`, read and checked. */
export type AuditRunOptions = {
  readonly input: string;
  readonly spec: RowSpec;
  readonly config: AuditConfig;
  readonly allowRejects: boolean;
};

/** The rejected-rows report: in the error's details by default, in the audit's JSON with --allow-rejects. */
export type RejectedReport = DecisionFileCells['rejected'] & { readonly rows_read: number };

/** Dispatches `oversight audit <subcommand>`. */
export async function auditCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') return auditRunCommand(rest, io);
  throw new AppError('BAD_REQUEST', `unknown audit command ${sub ?? '(none)'}; use audit run`);
}

/** Runs `oversight audit run` and prints the audit; see the file comment for rejected rows. */
export async function auditRunCommand(args: string[], io: Io): Promise<number> {
  const options = parseAuditRunArgs(args);
  const read = await readDecisionFile(options.input, options.spec);
  const rejected: RejectedReport = { rows_read: read.rows, ...read.rejected };
  if (read.rows === 0)
    throw new AppError('VALIDATION_FAILED', `${options.input} has no decisions (no data rows)`);
  if (read.accepted === 0) throw rejectedError(options.input, read, rejected, 'every row was rejected');
  if (read.rejected.rows > 0 && !options.allowRejects) throw rejectedError(options.input, read, rejected);
  const config = {
    ...options.config,
    attributes: read.spec.groups,
    reference: renameReference(options, read),
  };
  const issues = validateAudit(read.cells, config).map((issue) => ({
    ...issue,
    path: issue.path.startsWith('reference.')
      ? `--reference ${issue.path.slice('reference.'.length)}`
      : issue.path,
  }));
  if (issues.length > 0) throw validationError(issues);
  const result = computeAudit(read.cells, config);
  const output: AuditResult & { rejected?: RejectedReport } =
    read.rejected.rows > 0 ? { ...result, rejected } : result;
  io.out(io.json ? JSON.stringify(output) + '\n' : presentAuditText(output, options.input, read));
  return 0;
}

/** Reads the flags of `audit run`; every problem is a BAD_REQUEST or VALIDATION_FAILED naming the flag. */
export function parseAuditRunArgs(args: string[]): AuditRunOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        input: { type: 'string' },
        label: { type: 'string' },
        prediction: { type: 'string' },
        score: { type: 'string' },
        threshold: { type: 'string' },
        group: { type: 'string', multiple: true },
        intersections: { type: 'boolean' },
        'min-group-size': { type: 'string' },
        reference: { type: 'string', multiple: true },
        weight: { type: 'string' },
        alpha: { type: 'string' },
        correction: { type: 'string' },
        'allow-rejects': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new AppError('BAD_REQUEST', `${(error as Error).message}; see oversight --help`);
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new AppError('BAD_REQUEST', `--${name} needs a value`);
    return value;
  };
  const required = (name: string, what: string): string => {
    const value = text(name);
    if (value === undefined) throw new AppError('BAD_REQUEST', `audit run needs --${name} ${what}`);
    return value;
  };
  const number = (name: string, check: (n: number) => boolean, what: string): number | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const parsed = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(parsed) || !check(parsed))
      throw new AppError('BAD_REQUEST', `--${name} must be ${what}, got ${JSON.stringify(raw)}`);
    return parsed;
  };

  const input = required('input', 'FILE');
  const label = required('label', 'COLUMN');
  const prediction = text('prediction');
  const score = text('score');
  const threshold = number('threshold', () => true, 'a number');
  if (prediction !== undefined && score !== undefined)
    throw new AppError(
      'BAD_REQUEST',
      'use either --prediction COLUMN or --score COLUMN --threshold T, not both',
    );
  if (prediction === undefined && score === undefined)
    throw new AppError('BAD_REQUEST', 'audit run needs --prediction COLUMN or --score COLUMN --threshold T');
  if (score !== undefined && threshold === undefined)
    throw new AppError('BAD_REQUEST', '--score needs --threshold T (a decision is positive when score >= T)');
  if (prediction !== undefined && threshold !== undefined)
    throw new AppError('BAD_REQUEST', '--threshold applies to --score, not to --prediction');

  const groups = (values['group'] as string[] | undefined) ?? [];
  if (groups.length === 0) throw new AppError('BAD_REQUEST', 'audit run needs at least one --group COLUMN');
  if (groups.some((g) => g === '')) throw new AppError('BAD_REQUEST', '--group needs a column name');
  const repeated = groups.find((g, i) => groups.indexOf(g) !== i);
  if (repeated !== undefined) throw new AppError('BAD_REQUEST', `--group ${repeated} is given twice`);

  const reference: Record<string, string> = {};
  for (const entry of (values['reference'] as string[] | undefined) ?? []) {
    const at = entry.indexOf('=');
    const attribute = entry.slice(0, at);
    if (at <= 0)
      throw new AppError('BAD_REQUEST', `--reference must be ATTRIBUTE=VALUE, got ${JSON.stringify(entry)}`);
    if (!groups.includes(attribute))
      throw new AppError(
        'BAD_REQUEST',
        `--reference ${attribute}: not one of the --group columns (${groups.join(', ')})`,
      );
    if (Object.hasOwn(reference, attribute))
      throw new AppError('BAD_REQUEST', `--reference ${attribute} is given twice`);
    reference[attribute] = entry.slice(at + 1);
  }

  const minGroupSize = number('min-group-size', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0');
  const alpha = number('alpha', (n) => n > 0 && n < 1, 'strictly between 0 and 1');
  const correction = text('correction');
  if (correction !== undefined && correction !== 'holm' && correction !== 'bh')
    throw new AppError('BAD_REQUEST', `--correction must be holm or bh, got ${JSON.stringify(correction)}`);
  const weight = text('weight');

  const spec: RowSpec =
    score !== undefined
      ? { label, groups, score, threshold: threshold as number, ...(weight === undefined ? {} : { weight }) }
      : { label, groups, prediction: prediction as string, ...(weight === undefined ? {} : { weight }) };
  const config: AuditConfig = {
    attributes: groups,
    intersections: values['intersections'] === true,
    reference,
    ...(minGroupSize === undefined ? {} : { smallCells: { minN: minGroupSize } }),
    ...(alpha === undefined ? {} : { alpha }),
    ...(correction === undefined ? {} : { correction: correction === 'bh' ? 'benjamini_hochberg' : 'holm' }),
  };
  return { input, spec, config, allowRejects: values['allow-rejects'] === true };
}

/** The reference keyed by the column names as the file spells them (resolution may trim or fold case). */
function renameReference(options: AuditRunOptions, read: DecisionFileCells): Record<string, string> {
  const renamed: Record<string, string> = {};
  for (const [attribute, value] of Object.entries(options.config.reference ?? {})) {
    const index = options.spec.groups.indexOf(attribute);
    renamed[read.spec.groups[index] ?? attribute] = value;
  }
  return renamed;
}

function where(sample: RejectedReport['sample'][number]): string {
  const place = sample.line !== null ? `line ${sample.line}` : `row ${sample.record ?? '?'}`;
  return sample.column === null ? place : `${place}, column ${sample.column}`;
}

function rejectedError(
  input: string,
  read: DecisionFileCells,
  rejected: RejectedReport,
  verdict = 'fix the file, or pass --allow-rejects to audit the other rows',
): AppError {
  const first = rejected.sample[0];
  const counts = rejected.reasons.map((r) => `${r.column ?? 'malformed lines'}: ${r.rows}`).join(', ');
  const message =
    `${rejected.rows} of ${read.rows} rows of ${input} rejected (${counts})` +
    (first === undefined ? '' : `; first at ${where(first)}: ${first.reason}`) +
    `; ${verdict}`;
  const issues = rejected.sample.map((sample) => ({
    path: where(sample),
    code: 'rejected_row',
    message: sample.reason,
  }));
  return new AppError('VALIDATION_FAILED', message, { rejected, issues });
}

// ---------------------------------------------------------------------------------------------
// The readable summary

const MAX_FINDINGS_SHOWN = 20;

const COLUMNS: { title: string; rate: keyof AuditGroup }[] = [
  { title: 'selected', rate: 'selection_rate' },
  { title: 'TPR', rate: 'true_positive_rate' },
  { title: 'FPR', rate: 'false_positive_rate' },
  { title: 'FNR', rate: 'false_negative_rate' },
  { title: 'precision', rate: 'precision' },
];

function rate(value: unknown): string {
  return typeof value === 'number' ? value.toFixed(3) : '—';
}

function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Renders an audit as aligned text tables: one per attribute set, its aggregates, then findings. */
export function presentAuditText(
  result: AuditResult & { rejected?: RejectedReport },
  input: string,
  read: Pick<DecisionFileCells, 'format' | 'compression'>,
): string {
  const lines: string[] = [];
  const compression = read.compression === 'none' ? '' : `, ${read.compression}`;
  lines.push(
    `Audit of ${input} (${read.format}${compression}): ${result.rows} decisions` +
      (result.weighted_n !== result.rows ? `, weighted n ${count(result.weighted_n)}` : ''),
  );
  if (result.rejected !== undefined) {
    lines.push(
      `  rejected and left out (--allow-rejects): ${result.rejected.rows} of ${result.rejected.rows_read} rows`,
    );
    for (const r of result.rejected.reasons)
      lines.push(`    ${r.rows}  ${r.column ?? '(line)'}: ${r.reason}`);
  }
  for (const aggregate of result.aggregates) {
    const set = aggregate.attributes;
    const groups = result.groups.filter(
      (g) =>
        Object.keys(g.attributes).length === set.length && set.every((a) => Object.hasOwn(g.attributes, a)),
    );
    const header = [set.join(' × '), 'n', ...COLUMNS.map((c) => c.title), 'flags'];
    const rows = groups.map((g) => [
      set.map((a) => g.attributes[a] ?? '(unknown)').join(' × '),
      count(g.n),
      ...COLUMNS.map((c) => rate(g[c.rate])),
      g.flags.join(' '),
    ]);
    lines.push('', ...table([header, ...rows]));
    const four = aggregate.four_fifths.passed;
    lines.push(
      `  demographic parity difference ${rate(aggregate.demographic_parity_difference)}, ratio ${rate(aggregate.demographic_parity_ratio)}; ` +
        `equalized odds difference ${rate(aggregate.equalized_odds_difference)}; ` +
        `equal opportunity difference ${rate(aggregate.equal_opportunity_difference)}`,
      `  four-fifths rule: ${four === null ? 'not evaluated' : four ? 'passed' : 'failed'}; ` +
        `${aggregate.groups_compared} groups compared, ${aggregate.groups_excluded} excluded (small or unknown)`,
    );
  }
  lines.push('', `Findings: ${result.findings.length === 0 ? 'none' : result.findings.length}`);
  for (const finding of result.findings.slice(0, MAX_FINDINGS_SHOWN)) lines.push(`  - ${finding.message}`);
  if (result.findings.length > MAX_FINDINGS_SHOWN)
    lines.push(`  … and ${result.findings.length - MAX_FINDINGS_SHOWN} more (--json lists them all)`);
  lines.push(
    '',
    `Tests: ${result.method.tests} against the reference, ${result.method.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg'} at alpha ${result.method.alpha}. --json prints every rate, interval and test.`,
  );
  return lines.join('\n') + '\n';
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, j) => (j === 0 || j === r.length - 1 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
      .join('  ')
      .trimEnd(),
  );
}
