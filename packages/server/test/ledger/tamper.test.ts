import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { verifyExportLines } from '../../src/modules/ledger/export-verify.ts';
import { hashLeafText, verifyConsistency, verifyInclusion } from '../../src/modules/ledger/merkle.ts';
import { openCheckpoint, parseVerifierKey } from '../../src/modules/ledger/signed-note.ts';
import {
  createTestContext,
  rawSql,
  seedRegistry,
  STORAGE_KINDS,
  type TestContext,
} from '../support/harness.ts';

async function populate(ctx: TestContext) {
  const { user: owner } = await ctx.userWithKey('owner');
  const seeded = await seedRegistry(ctx, owner.id);
  for (let i = 0; i < 6; i++)
    await ctx.services.registry.updateSystem(ctx.adminActor, seeded.system.id, {
      description: `revision ${i}`,
    });
  await ctx.services.ledger.checkpoint(ctx.organization.id);
  for (let i = 0; i < 3; i++)
    await ctx.services.registry.updateSystem(ctx.adminActor, seeded.system.id, { purpose: `p${i}` });
  await ctx.services.ledger.checkpoint(ctx.organization.id);
  return seeded;
}

async function exportLines(ctx: TestContext): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of ctx.services.ledger.exportLines(ctx.organization.id)) lines.push(line);
  return lines;
}

function verifyLines(lines: string[], pinned?: string) {
  const rl = createInterface({ input: Readable.from(lines.map((l) => l + '\n')), crlfDelay: Infinity });
  return verifyExportLines(rl, pinned);
}

for (const kind of STORAGE_KINDS) {
  describe(`ledger tamper detection (${kind})`, () => {
    let ctx: TestContext;
    let size: number;
    const org = () => ctx.organization.id;
    const tamper = (sql: string, params: unknown[] = []) => rawSql(ctx.storageConfig, sql, params);

    before(async () => {
      ctx = await createTestContext({ storage: kind });
      await populate(ctx);
      size = (await ctx.services.store.read.ledger.readHead(org())).size;
    });
    after(async () => ctx.close());

    test('an untouched log verifies, with every checkpoint checked', async () => {
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, true, JSON.stringify(r.problems));
      assert.equal(r.treeSize, size);
      assert.ok(r.checkpointsVerified >= 2);
    });

    test('proofs served by the ledger verify against the signed checkpoint, for every index', async () => {
      const note = (await ctx.services.ledger.checkpoint(org())).note;
      const vkey = parseVerifierKey(await ctx.services.ledger.verifierKey(org()));
      assert.ok(vkey.ok);
      const cp = openCheckpoint(note, [vkey], vkey.name);
      assert.ok(cp.ok, 'checkpoint signature verifies with the published verifier key');
      const entries = await ctx.services.ledger.entries(org(), 0, 1000);
      assert.equal(entries.length, cp.size);
      for (const e of entries) {
        const p = await ctx.services.ledger.inclusionProof(org(), e.index, cp.size);
        const proof = p.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
        assert.deepEqual(verifyInclusion(e.index, cp.size, hashLeafText(e.leaf), proof, cp.rootHash), {
          ok: true,
        });
      }
      for (let m = 1; m < cp.size; m++) {
        const p = await ctx.services.ledger.consistencyProof(org(), m, cp.size);
        const oldRoot = Buffer.from(
          (await ctx.services.ledger.inclusionProof(org(), 0, m)).rootHash,
          'base64',
        );
        const proof = p.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
        assert.deepEqual(
          verifyConsistency(m, cp.size, proof, oldRoot, cp.rootHash),
          { ok: true },
          `consistency ${m} -> ${cp.size}`,
        );
      }
    });

    test('a changed entry is named by its index', async () => {
      const [row] = await tamper('select leaf from ledger_entries where organization_id = ? and idx = ?', [
        org(),
        5,
      ]);
      const original = String(row!['leaf']);
      await tamper('update ledger_entries set leaf = ? where organization_id = ? and idx = ?', [
        original.replace('"v":1', '"v":1 '),
        org(),
        5,
      ]);
      await tamper('update ledger_entries set leaf = ? where organization_id = ? and idx = ?', [
        original.replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"'),
        org(),
        5,
      ]);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.index === 5 && p.kind === 'changed'),
        JSON.stringify(r.problems),
      );
      await tamper('update ledger_entries set leaf = ? where organization_id = ? and idx = ?', [
        original,
        org(),
        5,
      ]);
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('a change that also rewrites the stored hash is caught by the signed checkpoint', async () => {
      const [row] = await tamper(
        'select leaf, leaf_hash from ledger_entries where organization_id = ? and idx = ?',
        [org(), 2],
      );
      const forged = String(row!['leaf']).replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"');
      await tamper(
        'update ledger_entries set leaf = ?, leaf_hash = ? where organization_id = ? and idx = ?',
        [forged, Buffer.from(hashLeafText(forged)), org(), 2],
      );
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.kind === 'checkpoint_mismatch' && /\[0, \d+\]/.test(p.message)),
        JSON.stringify(r.problems),
      );
      await tamper(
        'update ledger_entries set leaf = ?, leaf_hash = ? where organization_id = ? and idx = ?',
        [row!['leaf'], row!['leaf_hash'], org(), 2],
      );
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('a deleted entry is named', async () => {
      const [row] = await tamper(
        'select leaf, leaf_hash from ledger_entries where organization_id = ? and idx = ?',
        [org(), 7],
      );
      await tamper('delete from ledger_entries where organization_id = ? and idx = ?', [org(), 7]);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.index === 7 && p.kind === 'missing'),
        JSON.stringify(r.problems),
      );
      await tamper('insert into ledger_entries (organization_id, idx, leaf, leaf_hash) values (?, ?, ?, ?)', [
        org(),
        7,
        row!['leaf'],
        row!['leaf_hash'],
      ]);
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('reordered entries are named', async () => {
      const rows = await tamper(
        'select idx, leaf, leaf_hash from ledger_entries where organization_id = ? and idx in (3, 4) order by idx',
        [org()],
      );
      const [a, b] = rows as [Record<string, unknown>, Record<string, unknown>];
      const set = (idx: number, r: Record<string, unknown>) =>
        tamper('update ledger_entries set leaf = ?, leaf_hash = ? where organization_id = ? and idx = ?', [
          r['leaf'],
          r['leaf_hash'],
          org(),
          idx,
        ]);
      await set(3, b);
      await set(4, a);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.index === 3 && p.kind === 'reordered'),
        JSON.stringify(r.problems),
      );
      await set(3, a);
      await set(4, b);
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('an inserted entry is named', async () => {
      const [row] = await tamper(
        'select leaf, leaf_hash from ledger_entries where organization_id = ? and idx = ?',
        [org(), 1],
      );
      await tamper('insert into ledger_entries (organization_id, idx, leaf, leaf_hash) values (?, ?, ?, ?)', [
        org(),
        size,
        row!['leaf'],
        row!['leaf_hash'],
      ]);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.index === size && p.kind === 'reordered'),
        JSON.stringify(r.problems),
      );
      assert.ok(r.problems.some((p) => p.kind === 'size_mismatch'));
      await tamper('delete from ledger_entries where organization_id = ? and idx = ?', [org(), size]);
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('a changed interior tree node (used to serve proofs) is named', async () => {
      const [row] = await tamper(
        'select hash from ledger_nodes where organization_id = ? and level = 2 and idx = 1',
        [org()],
      );
      await tamper('update ledger_nodes set hash = ? where organization_id = ? and level = 2 and idx = 1', [
        Buffer.alloc(32, 7),
        org(),
      ]);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.kind === 'node_mismatch' && /level 2 index 1/.test(p.message)),
        JSON.stringify(r.problems),
      );
      await tamper('update ledger_nodes set hash = ? where organization_id = ? and level = 2 and idx = 1', [
        row!['hash'],
        org(),
      ]);
      assert.equal((await ctx.services.ledger.verify(org())).ok, true);
    });

    test('a forged checkpoint fails its signature', async () => {
      const [cp] = await tamper(
        'select size, note from ledger_checkpoints where organization_id = ? order by size limit 1',
        [org()],
      );
      const note = String(cp!['note']);
      await tamper('update ledger_checkpoints set note = ? where organization_id = ? and size = ?', [
        note.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`),
        org(),
        cp!['size'],
      ]);
      const r = await ctx.services.ledger.verify(org());
      assert.equal(r.ok, false);
      assert.ok(
        r.problems.some((p) => p.kind === 'bad_signature'),
        JSON.stringify(r.problems),
      );
      await tamper('update ledger_checkpoints set note = ? where organization_id = ? and size = ?', [
        note,
        org(),
        cp!['size'],
      ]);
    });

    test('an export verifies offline, and any edit to the file is named', async () => {
      const lines = await exportLines(ctx);
      const vkey = await ctx.services.ledger.verifierKey(org());
      const clean = await verifyLines(lines, vkey);
      assert.equal(clean.ok, true, JSON.stringify(clean.problems));
      assert.equal(clean.treeSize, size);

      const changed = [...lines];
      changed[4] = changed[4]!.replace(/\\"at\\":\\"[^\\]+\\"/, '\\"at\\":\\"2020-01-01T00:00:00.000Z\\"');
      assert.notEqual(changed[4], lines[4]);
      const rc = await verifyLines(changed);
      assert.ok(
        rc.problems.some((p) => p.index === 3 && p.kind === 'changed'),
        JSON.stringify(rc.problems),
      );

      const removed = lines.filter((_, i) => i !== 6);
      const rr = await verifyLines(removed);
      assert.ok(
        rr.problems.some((p) => p.index === 5 && p.kind === 'missing'),
        JSON.stringify(rr.problems),
      );

      const swapped = [...lines];
      [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
      const rs = await verifyLines(swapped);
      assert.ok(
        rs.problems.some((p) => p.index === 1 && (p.kind === 'reordered' || p.kind === 'inserted')),
        JSON.stringify(rs.problems),
      );

      const otherKey = await verifyLines(lines, 'someone.else+00000000+AQ==');
      assert.equal(otherKey.ok, false);

      const dir = mkdtempSync(join(tmpdir(), 'oversight-export-'));
      writeFileSync(join(dir, 'log.ndjson'), lines.join('\n') + '\n');
      assert.ok(readFileSync(join(dir, 'log.ndjson'), 'utf8').includes('oversight-ledger-export/v1'));
    });

    test('entries never carry personal data: only ids, types, times and digests', async () => {
      const entries = await ctx.services.ledger.entries(org(), 0, 1000);
      for (const e of entries) {
        assert.doesNotMatch(e.leaf, /@/, 'no e-mail address in a ledger entry');
        assert.deepEqual(Object.keys(JSON.parse(e.leaf) as object).sort(), [
          'actor',
          'at',
          'digest',
          'index',
          'org',
          'subject',
          'type',
          'v',
        ]);
      }
    });
  });
}
