import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from './support.ts';
import { encodeBase64 } from '../src/lib/base64.ts';
import { openCheckpoint, openNote, parseCheckpointText, parseVerifierKey } from '../src/lib/signed-note.ts';

type Vector = {
  id: string;
  vkey: string;
  note: string;
  valid: boolean;
  checkpoint?: { origin: string; size: number; rootHash: string };
};
const file = JSON.parse(
  readFileSync(
    new URL('../../../../shared/vectors/signed-note/signed_note_vectors.json', import.meta.url),
    'utf8',
  ),
) as { vectors: Vector[] };

describe('C2SP signed-note vectors, verified with WebCrypto Ed25519', () => {
  for (const v of file.vectors) {
    test(v.id, async () => {
      const opened = await openNote(v.note, v.vkey);
      assert.equal(opened.ok, v.valid, opened.ok ? 'verified' : opened.reason);
      if (v.checkpoint) {
        const cp = await openCheckpoint(v.note, v.vkey);
        assert.ok(cp.ok);
        assert.equal(cp.checkpoint.origin, v.checkpoint.origin);
        assert.equal(cp.checkpoint.size, v.checkpoint.size);
        assert.equal(encodeBase64(cp.checkpoint.rootHash), v.checkpoint.rootHash);
      }
    });
  }
});

describe('checkpoint and key parsing', () => {
  test('a verifier key whose id does not match is refused', async () => {
    const r = await parseVerifierKey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    assert.equal(r.ok, false);
  });
  test('checkpoint text needs a decimal size and a 32-byte root', () => {
    assert.equal(parseCheckpointText('origin\n012\nAAAA\n').ok, false);
    const root = encodeBase64(new Uint8Array(32));
    const ok = parseCheckpointText(`origin\n12\n${root}\n`);
    assert.ok(ok.ok);
    assert.equal(ok.size, 12);
  });
  test('a note with a tampered size does not verify', async () => {
    const v = file.vectors.find((x) => x.id === 'sumdb-checkpoint')!;
    const r = await openCheckpoint(v.note.replace('6476701', '6476702'), v.vkey);
    assert.equal(r.ok, false);
  });
});
