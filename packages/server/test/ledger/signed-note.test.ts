import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  isValidKeyName,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNoteUnverified,
  parseSignerKey,
  parseVerifierKey,
  publicKeyFromSeed,
  signEd25519,
  signNote,
  verifyEd25519,
} from '../../src/modules/ledger/signed-note.ts';
import type { VerifierKey } from '../../src/modules/ledger/signed-note.ts';

const VECTORS = new URL('../../../../../shared/vectors/', import.meta.url);

type NoteVector = {
  id: string;
  vkey: string;
  note: string;
  valid: boolean;
  checkpoint?: { origin: string; size: number; rootHash: string };
};

type NoteVectorFile = {
  vectors: NoteVector[];
  unsignedExamples: Array<{
    id: string;
    note?: string;
    message?: string;
    checkpoint?: { origin: string; size: number; rootHash: string };
  }>;
  testKeyPairs: Array<{ vkey: string; skey: string }>;
};

type WycheproofFile = {
  numberOfTests: number;
  testGroups: Array<{
    publicKey: { pk: string };
    tests: Array<{ tcId: number; comment: string; msg: string; sig: string; result: string }>;
  }>;
};

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, VECTORS), 'utf8')) as T;
}

const noteVectors = readJson<NoteVectorFile>('signed-note/signed_note_vectors.json');
const wycheproof = readJson<WycheproofFile>('wycheproof/testvectors_v1/ed25519_test.json');

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

function mustParseVerifier(vkey: string): VerifierKey {
  const parsed = parseVerifierKey(vkey);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return { name: parsed.name, keyId: parsed.keyId, publicKey: parsed.publicKey };
}

describe('signed-note vectors', () => {
  test('vector file is present and non-trivial', () => {
    assert.ok(noteVectors.vectors.length >= 6);
  });

  for (const vector of noteVectors.vectors) {
    test(`${vector.id} is ${vector.valid ? 'accepted' : 'rejected'}`, () => {
      const key = parseVerifierKey(vector.vkey);
      if (vector.valid) {
        assert.ok(key.ok, key.ok ? '' : key.reason);
        const opened = openNote(vector.note, [key]);
        assert.ok(opened.ok, opened.ok ? '' : opened.reason);
        assert.deepEqual(opened.verifiedBy, [key.name]);
        assert.equal(vector.note.startsWith(opened.text), true);
        if (vector.checkpoint) {
          const cp = parseCheckpoint(opened.text);
          assert.ok(cp.ok, cp.ok ? '' : cp.reason);
          assert.equal(cp.origin, vector.checkpoint.origin);
          assert.equal(cp.size, vector.checkpoint.size);
          assert.equal(Buffer.from(cp.rootHash).toString('base64'), vector.checkpoint.rootHash);
          assert.deepEqual(cp.extensions, []);
          assert.equal(formatCheckpoint(cp), opened.text);
        }
      } else {
        const rejected = !key.ok || !openNote(vector.note, [key]).ok;
        assert.ok(rejected, `${vector.id} must not verify`);
      }
    });
  }

  test('key-id-mismatch vector: vkey itself is rejected, and a hand-built key is ignored', () => {
    const vector = noteVectors.vectors.find((v) => v.id === 'c2sp-signed-note-example-unknown-key');
    assert.ok(vector);
    const parsed = parseVerifierKey(vector.vkey);
    assert.ok(!parsed.ok && parsed.reason.includes('key id does not match'));
    // Bypassing the parser: same name and public key, different ID, so the signature is unknown.
    const good = parseVerifierKey(vector.vkey.replace('+530d903b+', '+530d903a+'));
    assert.ok(good.ok);
    const impostor: VerifierKey = { ...good, keyId: fromHex('530d903b') };
    const opened = openNote(vector.note, [impostor]);
    assert.deepEqual(opened, { ok: false, reason: 'note is not signed by any known key' });
  });

  test('an unknown cosignature is ignored but does not satisfy verification alone', () => {
    const vector = noteVectors.vectors.find((v) => v.id === 'sumdb-checkpoint-plus-unknown-cosig');
    assert.ok(vector);
    const parsed = parseNoteUnverified(vector.note);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.signatures.map((s) => s.name),
      ['sum.golang.org', 'monkeys'],
    );
    assert.equal(openNote(vector.note, []).ok, false);
    const sumdb = mustParseVerifier(vector.vkey);
    const opened = openCheckpoint(vector.note, [sumdb], 'go.sum database tree');
    assert.ok(opened.ok, opened.ok ? '' : opened.reason);
    assert.equal(opened.size, 6476701);
    assert.equal(openCheckpoint(vector.note, [sumdb], 'other.example/log').ok, false);
  });

  test('unsigned tlog-checkpoint example parses', () => {
    const example = noteVectors.unsignedExamples.find((e) => e.id === 'c2sp-tlog-checkpoint-example');
    assert.ok(example?.note && example.checkpoint);
    const parsed = parseNoteUnverified(example.note);
    assert.ok(parsed.ok);
    assert.equal(parsed.signatures[0]?.name, 'example.com/behind-the-sofa');
    const cp = parseCheckpoint(parsed.text);
    assert.ok(cp.ok, cp.ok ? '' : cp.reason);
    assert.equal(cp.origin, example.checkpoint.origin);
    assert.equal(cp.size, example.checkpoint.size);
    assert.equal(Buffer.from(cp.rootHash).toString('base64'), example.checkpoint.rootHash);
  });

  test('cosignature/v1 example message embeds the checkpoint body verbatim', () => {
    const example = noteVectors.unsignedExamples.find(
      (e) => e.id === 'c2sp-tlog-cosignature-v1-signed-message',
    );
    const checkpoint = noteVectors.unsignedExamples.find(
      (e) => e.id === 'c2sp-tlog-checkpoint-example',
    )?.checkpoint;
    assert.ok(example?.message && checkpoint);
    const body = formatCheckpoint({
      origin: checkpoint.origin,
      size: checkpoint.size,
      rootHash: new Uint8Array(Buffer.from(checkpoint.rootHash, 'base64')),
    });
    assert.equal(example.message, `cosignature/v1\ntime 1679315147\n${body}`);
  });

  test('test key pair: skey parses, derives the vkey, and round-trips', () => {
    for (const pair of noteVectors.testKeyPairs) {
      const signer = parseSignerKey(pair.skey);
      assert.ok(signer.ok, signer.ok ? '' : signer.reason);
      assert.equal(formatVerifierKey(signer.name, signer.publicKey), pair.vkey);
      assert.equal(formatSignerKey(signer), pair.skey);
      const verifier = mustParseVerifier(pair.vkey);
      assert.equal(hex(verifier.publicKey), hex(signer.publicKey));
      const note = signNote('hello from the test key\n', signer);
      assert.deepEqual(openNote(note, [verifier]), {
        ok: true,
        text: 'hello from the test key\n',
        verifiedBy: [signer.name],
      });
    }
  });
});

describe('Wycheproof Ed25519 through verifyEd25519', () => {
  test('vector count matches header', () => {
    const count = wycheproof.testGroups.reduce((n, g) => n + g.tests.length, 0);
    assert.equal(count, wycheproof.numberOfTests);
  });

  for (const group of wycheproof.testGroups) {
    const publicKey = fromHex(group.publicKey.pk);
    for (const t of group.tests) {
      test(`tcId ${t.tcId} ${t.result}${t.comment ? ` (${t.comment})` : ''}`, () => {
        assert.ok(t.result === 'valid' || t.result === 'invalid', `unexpected ${t.result}`);
        const ok = verifyEd25519(publicKey, fromHex(t.msg), fromHex(t.sig));
        assert.equal(ok, t.result === 'valid');
      });
    }
  }
});

describe('keys', () => {
  test('key names follow the spec', () => {
    assert.equal(isValidKeyName('example.com/log'), true);
    assert.equal(isValidKeyName(''), false);
    assert.equal(isValidKeyName('a+b'), false);
    assert.equal(isValidKeyName('a b'), false);
    assert.equal(isValidKeyName('a\u00a0b'), false);
    assert.equal(isValidKeyName('a\u0085b'), false);
    assert.equal(isValidKeyName('a\u3000b'), false);
    assert.equal(isValidKeyName('a\tb'), false);
  });

  test('generated keys round-trip through both key formats', () => {
    const key = generateSignerKey('oversight.test/log');
    assert.equal(key.privateKey.length, 32);
    assert.equal(key.publicKey.length, 32);
    assert.equal(hex(publicKeyFromSeed(key.privateKey)), hex(key.publicKey));
    const vkey = mustParseVerifier(formatVerifierKey(key.name, key.publicKey));
    assert.equal(hex(vkey.keyId), hex(keyIdFor(key.name, key.publicKey)));
    const skey = parseSignerKey(formatSignerKey(key));
    assert.ok(skey.ok);
    assert.equal(hex(skey.privateKey), hex(key.privateKey));
    assert.throws(() => generateSignerKey('bad name'), TypeError);
  });

  test('spec example key id', () => {
    const vkey = mustParseVerifier('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    assert.equal(hex(vkey.keyId), '530d903a');
    assert.equal(hex(keyIdFor(vkey.name, vkey.publicKey)), '530d903a');
  });

  test('malformed verifier keys are rejected with reasons', () => {
    const good = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const bad = [
      'example.com/foo',
      'example.com/foo+530d903a',
      '+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2',
      'example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l',
      `${good}AA==`,
    ];
    for (const vkey of bad) {
      const parsed = parseVerifierKey(vkey);
      assert.ok(!parsed.ok && parsed.reason.length > 0, vkey);
    }
  });

  test('malformed signer keys are rejected', () => {
    const skey = noteVectors.testKeyPairs[0]?.skey;
    assert.ok(skey);
    assert.equal(parseSignerKey(skey.replace('PRIVATE+KEY+', 'PRIVATE+KEX+')).ok, false);
    assert.equal(parseSignerKey(skey.replace('+2271c621+', '+2271c622+')).ok, false);
    assert.equal(parseSignerKey(skey.slice(0, -1)).ok, false);
  });
});

describe('sign and open', () => {
  const signer = generateSignerKey('oversight.test/ledger');
  const verifier = mustParseVerifier(formatVerifierKey(signer.name, signer.publicKey));
  const text = formatCheckpoint({
    origin: 'oversight.test/ledger',
    size: 42,
    rootHash: new Uint8Array(32).fill(7),
  });

  test('round trip', () => {
    const note = signNote(text, signer);
    assert.match(note, /\n\n\u2014 oversight\.test\/ledger [A-Za-z0-9+/]{91}=\n$/);
    assert.deepEqual(openNote(note, [verifier]), { ok: true, text, verifiedBy: [signer.name] });
  });

  test('texts with empty lines and non-ASCII survive the round trip', () => {
    for (const body of ['\n', 'a\n\nb\n', 'ends blank\n\n', 'Ognuno sta solo\n\ned è subito sera.\n']) {
      const opened = openNote(signNote(body, signer), [verifier]);
      assert.deepEqual(opened, { ok: true, text: body, verifiedBy: [signer.name] });
    }
  });

  test('signNote rejects text the spec forbids', () => {
    assert.throws(() => signNote('no newline', signer), TypeError);
    assert.throws(() => signNote('', signer), TypeError);
    assert.throws(() => signNote('tab\there\n', signer), TypeError);
    assert.throws(() => signNote('cr\r\n', signer), TypeError);
    assert.throws(() => signNote('lone \ud800\n', signer), TypeError);
    assert.throws(() => signNote('ok\n', { ...signer, name: 'bad+name' }), TypeError);
  });

  test('changing any character of the text fails verification', () => {
    const note = signNote(text, signer);
    for (let i = 0; i < text.length; i++) {
      const replacement = note[i] === 'x' ? 'y' : 'x';
      const tampered = note.slice(0, i) + replacement + note.slice(i + 1);
      assert.equal(openNote(tampered, [verifier]).ok, false, `position ${i}`);
    }
  });

  test('flipping any bit of the signature (key id or Ed25519 bytes) fails verification', () => {
    const note = signNote(text, signer);
    const prefix = `${text}\n\u2014 ${signer.name} `;
    const sigBytes = Buffer.from(note.slice(prefix.length, -1), 'base64');
    assert.equal(sigBytes.length, 68);
    for (let byte = 0; byte < sigBytes.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(sigBytes);
        copy[byte] = (copy[byte] as number) ^ (1 << bit);
        const tampered = `${prefix}${copy.toString('base64')}\n`;
        assert.equal(openNote(tampered, [verifier]).ok, false, `byte ${byte} bit ${bit}`);
      }
    }
  });

  test('a failing signature from a known key rejects the note even if another verifies', () => {
    const other = generateSignerKey('oversight.test/witness');
    const otherVerifier = mustParseVerifier(formatVerifierKey(other.name, other.publicKey));
    const good = signNote(text, signer);
    const forged = signNote('different\n', other).split('\n\n')[1] ?? '';
    const note = good + forged;
    assert.ok(openNote(note, [verifier]).ok, 'unknown forged signature is ignored');
    const both = openNote(note, [verifier, otherVerifier]);
    assert.ok(!both.ok && both.reason.includes('oversight.test/witness'));
  });

  test('multiple known signatures are all reported', () => {
    const other = generateSignerKey('oversight.test/witness');
    const otherVerifier = mustParseVerifier(formatVerifierKey(other.name, other.publicKey));
    const cosig = signNote(text, other).slice(text.length + 1);
    const note = signNote(text, signer) + cosig;
    assert.deepEqual(openNote(note, [verifier, otherVerifier]), {
      ok: true,
      text,
      verifiedBy: [signer.name, other.name],
    });
  });

  test('malformed notes are rejected', () => {
    const note = signNote(text, signer);
    const sigLine = note.slice(text.length + 1);
    const cases: Array<[string, string]> = [
      ['no blank line', note.replace('\n\n', '\n')],
      ['no trailing newline', note.slice(0, -1)],
      ['no signatures', `${text}\n`],
      ['ascii dash', `${text}\n- ${sigLine.slice(2)}`],
      ['no space after dash', `${text}\n\u2014${sigLine.slice(2)}`],
      ['bad base64', `${text}\n${sigLine.slice(0, -3)}!=\n`],
      ['unpadded base64', `${text}\n${sigLine.slice(0, -2)}\n`],
      ['empty signature', `${text}\n\u2014 ${signer.name} \n`],
      ['too short signature', `${text}\n\u2014 ${signer.name} AAAA\n`],
      ['control character', note.replace('oversight', 'over\u0001sight')],
      ['carriage return', note.replace(/\n$/, '\r\n')],
      ['trailing garbage line', `${note}garbage\n`],
      ['blank line inside signatures', `${note}\n${sigLine}`],
      ['too many signatures', `${text}\n${sigLine.repeat(101)}`],
    ];
    for (const [name, value] of cases) {
      const opened = openNote(value, [verifier]);
      assert.ok(!opened.ok && opened.reason.length > 0, name);
    }
    // 100 identical valid signatures are within the limit.
    assert.ok(openNote(`${text}\n${sigLine.repeat(100)}`, [verifier]).ok);
  });

  test('raw Ed25519 primitives agree', () => {
    const message = Buffer.from('message');
    const sig = signEd25519(signer.privateKey, message);
    assert.equal(verifyEd25519(signer.publicKey, message, sig), true);
    assert.equal(verifyEd25519(signer.publicKey, Buffer.from('massage'), sig), false);
    assert.equal(verifyEd25519(signer.publicKey.slice(1), message, sig), false);
    assert.equal(verifyEd25519(signer.publicKey, message, sig.slice(1)), false);
  });
});

describe('checkpoints', () => {
  const root = new Uint8Array(32).fill(0xab);

  test('format and parse round trip, with extensions', () => {
    const text = formatCheckpoint({ origin: 'o.example/log', size: 0, rootHash: root });
    assert.equal(text, `o.example/log\n0\n${Buffer.from(root).toString('base64')}\n`);
    const withExt = formatCheckpoint({
      origin: 'o.example/log',
      size: 12345,
      rootHash: root,
      extensions: ['ext one', 'ext two'],
    });
    const parsed = parseCheckpoint(withExt);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.extensions, ['ext one', 'ext two']);
    assert.equal(parsed.size, 12345);
    assert.equal(formatCheckpoint(parsed), withExt);
  });

  test('formatCheckpoint rejects programmer errors', () => {
    assert.throws(() => formatCheckpoint({ origin: '', size: 1, rootHash: root }), TypeError);
    assert.throws(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root }), TypeError);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root }), RangeError);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root }), RangeError);
    assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.slice(1) }), TypeError);
    assert.throws(
      () => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] }),
      TypeError,
    );
  });

  test('parseCheckpoint rejects malformed text', () => {
    const b64 = Buffer.from(root).toString('base64');
    const cases: Array<[string, string]> = [
      ['leading zero', `o\n042\n${b64}\n`],
      ['negative', `o\n-1\n${b64}\n`],
      ['plus sign', `o\n+1\n${b64}\n`],
      ['hex', `o\n0x10\n${b64}\n`],
      ['exponent', `o\n1e3\n${b64}\n`],
      ['whitespace', `o\n 1\n${b64}\n`],
      ['empty size', `o\n\n${b64}\n`],
      ['too large', `o\n9007199254740992\n${b64}\n`],
      ['short root', `o\n1\n${Buffer.from(root.slice(1)).toString('base64')}\n`],
      ['bad base64 root', `o\n1\n${b64.slice(1)}\n`],
      ['urlsafe base64 root', `o\n1\n${Buffer.from(new Uint8Array(32).fill(0xff)).toString('base64url')}=\n`],
      ['empty origin', `\n1\n${b64}\n`],
      ['two lines', `o\n1\n`],
      ['no final newline', `o\n1\n${b64}`],
      ['empty extension', `o\n1\n${b64}\n\n`],
      ['control char', `o\t\n1\n${b64}\n`],
    ];
    for (const [name, text] of cases) {
      const parsed = parseCheckpoint(text);
      assert.ok(!parsed.ok && parsed.reason.length > 0, name);
    }
    const max = parseCheckpoint(`o\n9007199254740991\n${b64}\n`);
    assert.ok(max.ok && max.size === Number.MAX_SAFE_INTEGER);
  });
});
