/**
 * Keeps docs/errors.md and the error table complete in both directions, in the manner of Fastify's
 * test/internals/errors.test.js: every code has a section with its HTTP status, CLI exit code, when
 * it happens, what to do and an example body; every section names a code that exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ERROR_CODES, isErrorCode } from '../../../contract/src/errors.ts';

const DOC_PATH = new URL('../../../../docs/errors.md', import.meta.url);
const doc = readFileSync(DOC_PATH, 'utf8');

type Section = { heading: string; body: string };

/** The `## ` sections of the page, in order. */
function sections(markdown: string): Section[] {
  const parts = markdown.split(/^## /m).slice(1);
  return parts.map((p) => {
    const newline = p.indexOf('\n');
    return { heading: p.slice(0, newline).trim(), body: p.slice(newline + 1) };
  });
}

const documented = sections(doc);
const codes = Object.keys(ERROR_CODES);

function sectionOf(code: string): Section {
  const s = documented.find((d) => d.heading === code);
  assert.ok(s, `docs/errors.md has no "## ${code}" section`);
  return s;
}

function lineValue(body: string, label: string): number {
  const m = new RegExp(`^- ${label}: (\\d+)$`, 'm').exec(body);
  assert.ok(m, `a "- ${label}: N" line`);
  return Number(m[1]);
}

describe('docs/errors.md', () => {
  test('every section heading is an error code', () => {
    assert.ok(documented.length > 0);
    for (const s of documented) assert.ok(isErrorCode(s.heading), `"## ${s.heading}" is not in ERROR_CODES`);
  });

  test('every documented code exists, once, in the order of the table', () => {
    const headings = documented.map((s) => s.heading);
    assert.equal(new Set(headings).size, headings.length, 'no code is documented twice');
    assert.deepEqual(headings, codes, 'one section per code, in the order of ERROR_CODES');
  });

  for (const code of codes) {
    test(`${code} is documented with its status, exit code, cause, remedy and an example`, () => {
      const { body } = sectionOf(code);
      const entry = ERROR_CODES[code as keyof typeof ERROR_CODES];
      assert.equal(lineValue(body, 'HTTP status'), entry.status, `${code}: HTTP status`);
      assert.equal(lineValue(body, 'CLI exit code'), entry.exitCode, `${code}: CLI exit code`);
      assert.match(body, /\*\*When it happens\.\*\* \S/, `${code}: says when it happens`);
      assert.match(body, /\*\*What the client should do\.\*\* \S/, `${code}: says what the client should do`);

      const blocks = [...body.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
      assert.equal(blocks.length, 1, `${code}: exactly one example body`);
      const example = JSON.parse(blocks[0]!) as { error: Record<string, unknown> };
      assert.deepEqual(Object.keys(example), ['error'], `${code}: the example is an error body`);
      const keys = Object.keys(example.error).sort().join();
      assert.ok(
        keys === 'code,message,requestId' || keys === 'code,details,message,requestId',
        `${code}: example keys ${keys}`,
      );
      assert.equal(example.error['code'], code, `${code}: the example carries its own code`);
      assert.equal(typeof example.error['message'], 'string');
      assert.equal(typeof example.error['requestId'], 'string');
    });
  }

  test('the example of VALIDATION_FAILED names fields the way the API does', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(sectionOf('VALIDATION_FAILED').body)![1]!;
    const issues = (JSON.parse(block) as { error: { details: { issues: { path: string }[] } } }).error.details
      .issues;
    assert.ok(issues.length > 0);
    for (const i of issues) assert.match(i.path, /^(query\.|params\.)?[A-Za-z][\w.]*$/);
  });
});
