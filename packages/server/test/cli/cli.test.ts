import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';

const BIN = fileURLToPath(new URL('../../bin/oversight.js', import.meta.url));

type Run = { code: number; stdout: string; stderr: string; json: any };

function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'], ...env } });
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

describe('oversight CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oversight-cli-'));
  const env = { OVERSIGHT_DATA_DIR: dir, OVERSIGHT_MASTER_KEY: randomBytes(32).toString('base64') };
  let apiKey = '';
  let orgId = '';
  let adminId = '';

  before(async () => {
    const r = await cli(['init', '--org', 'Acme CLI', '--admin-email', 'ops@acme.example', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(r.json as object).sort(), ['apiKey', 'organizationId']);
    apiKey = r.json.apiKey;
    orgId = r.json.organizationId;
    assert.match(apiKey, /^ovs_[0-9a-z]{12}_/);
  });

  test('refuses to start without a master key outside development, naming the variables', async () => {
    const r = await cli(['migrate'], { OVERSIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'oversight-nokey-')) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /OVERSIGHT_MASTER_KEY/);
  });

  test('migrate is idempotent', async () => {
    const r = await cli(['migrate', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.storage, 'sqlite');
  });

  test('users list shows the admin; registry commands need a key', async () => {
    const r = await cli(['users', 'list', '--api-key', apiKey, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.total, 1);
    adminId = r.json.items[0].id;
    const denied = await cli(['users', 'list'], env);
    assert.equal(denied.code, 3);
    assert.match(denied.stderr, /UNAUTHENTICATED/);
    const table = await cli(['users', 'list', '--api-key', apiKey], env);
    assert.match(table.stdout, /ops@acme\.example/);
  });

  test('creating a system without an owner fails with exit 2 naming ownerId', async () => {
    const r = await cli(
      ['systems', 'create', '--api-key', apiKey, '--name', 'Scorer', '--kind', 'model'],
      env,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ownerId/);
    const j = await cli(
      ['systems', 'create', '--api-key', apiKey, '--name', 'Scorer', '--kind', 'model', '--json'],
      env,
    );
    assert.equal(j.json.error.code, 'VALIDATION_FAILED');
    assert.equal(j.json.error.details.issues[0].path, 'ownerId');
  });

  test('create, list and show a vendor, system and engagement', async () => {
    const v = await cli(
      [
        'vendors',
        'create',
        '--api-key',
        apiKey,
        '--legal-name',
        'Leads Ltd',
        '--contact-name',
        'Lee',
        '--contact-email',
        'lee@leads.example',
        '--criticality',
        'high',
        '--owner-id',
        adminId,
        '--dpa-signed',
        'true',
        '--json',
      ],
      env,
    );
    assert.equal(v.code, 0, v.stderr + v.stdout);
    const s = await cli(
      [
        'systems',
        'create',
        '--api-key',
        apiKey,
        '--name',
        'Lead scorer',
        '--kind',
        'model',
        '--owner-id',
        adminId,
        '--vendor-id',
        v.json.id,
        '--tags',
        '["sales"]',
        '--json',
      ],
      env,
    );
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(s.json.tags, ['sales']);
    const e = await cli(
      [
        'engagements',
        'create',
        '--api-key',
        apiKey,
        '--title',
        'Lead delivery',
        '--vendor-id',
        v.json.id,
        '--system-ids',
        JSON.stringify([s.json.id]),
        '--owner-id',
        adminId,
        '--start-date',
        '2026-01-01',
        '--json',
      ],
      env,
    );
    assert.equal(e.code, 0, e.stderr);
    const list = await cli(['systems', 'list', '--api-key', apiKey, '--q', 'lead', '--json'], env);
    assert.equal(list.json.total, 1);
    const show = await cli(['systems', 'show', s.json.id, '--api-key', apiKey, '--json'], env);
    assert.equal(show.json.name, 'Lead scorer');
    const missing = await cli(
      ['systems', 'show', 'sys_00000000000000000000000000', '--api-key', apiKey],
      env,
    );
    assert.equal(missing.code, 4);
  });

  test('ledger verify, export and offline verify; tampering is named with exit 8', async () => {
    const ok = await cli(['ledger', 'verify', '--json'], env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.json.ok, true);
    const file = join(dir, 'ledger.ndjson');
    const exp = await cli(['ledger', 'export', '--out', file, '--json'], env);
    assert.equal(exp.code, 0, exp.stderr);
    assert.ok(existsSync(file));
    const offline = await cli(['ledger', 'verify', '--file', file, '--json'], env);
    assert.equal(offline.code, 0, offline.stdout);
    assert.equal(offline.json.logs[0].treeSize, exp.json.entries);

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[3] = lines[3]!.replace('\\"v\\":1', '\\"v\\":2');
    writeFileSync(join(dir, 'bad.ndjson'), lines.join('\n') + '\n');
    const badFile = await cli(['ledger', 'verify', '--file', join(dir, 'bad.ndjson')], env);
    assert.equal(badFile.code, 8);
    assert.match(badFile.stdout, /entry 2/);

    const db = new DatabaseSync(join(dir, 'oversight.sqlite'));
    db.prepare('delete from ledger_entries where organization_id = ? and idx = 4').run(orgId);
    db.close();
    const bad = await cli(['ledger', 'verify'], env);
    assert.equal(bad.code, 8);
    assert.match(bad.stdout, /FAIL/);
    assert.match(bad.stdout, /entries 4\.\.4 are missing/);
  });

  test('unknown commands and options are bad input (exit 2)', async () => {
    assert.equal((await cli(['frobnicate'], env)).code, 2);
    assert.equal((await cli(['ledger', 'verify', '--nope'], env)).code, 2);
    const help = await cli(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: oversight/);
  });
});
