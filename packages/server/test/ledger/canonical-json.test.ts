import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { canonicalize } from '../../src/modules/ledger/canonical-json.ts';

function fromBits(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

function shuffleKeys(value: unknown, reverse: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, reverse));
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (reverse) keys.reverse();
    else keys.sort().reverse();
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      Object.defineProperty(out, key, {
        value: shuffleKeys((value as Record<string, unknown>)[key], reverse),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function holeyArray(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 3;
  return array;
}

describe('RFC 8785 examples', () => {
  test('§3.2.2 sample object', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    assert.equal(canonicalize(JSON.parse(input)), expected);
  });

  test('§3.2.3 property sorting by UTF-16 code units', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const expected =
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
    assert.equal(canonicalize(JSON.parse(input)), expected);
  });

  test('reference implementation "weird" sample incl. "</script>" (cyberphone testdata)', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "1": "One",
      "\u0080": "Control\u007f",
      "\ud83d\ude02": "Smiley",
      "\u00f6": "Latin Small Letter O With Diaeresis",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "</script>": "Browser Challenge"
    }`;
    const expected =
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
    assert.equal(canonicalize(JSON.parse(input)), expected);
  });

  test('sorting is by UTF-16 code unit, not code point', () => {
    // U+1F600 is encoded as D83D DE00, which sorts before U+FB33 despite the larger code point.
    assert.equal(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 }), '{"\u{1f600}":2,"\ufb33":1}');
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialisation.
  const appendixB: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  for (const [bits, expected] of appendixB) {
    test(`Appendix B number 0x${bits} -> ${expected}`, () => {
      assert.equal(canonicalize(fromBits(bits)), expected);
      assert.equal(canonicalize([fromBits(bits)]), `[${expected}]`);
    });
  }

  test('Appendix B NaN and Infinity are errors', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      assert.throws(() => canonicalize(fromBits(bits)), TypeError);
    }
  });

  test('literal number forms', () => {
    assert.equal(canonicalize(1e21), '1e+21');
    assert.equal(canonicalize(1e-7), '1e-7');
    // Parsed from text because the literal itself is not exactly representable.
    assert.equal(canonicalize(Number('333333333.33333329')), '333333333.3333333');
    assert.equal(canonicalize(-0), '0');
    assert.equal(canonicalize({ a: -0 }), '{"a":0}');
  });
});

describe('string escaping', () => {
  test('control characters use the ECMAScript short forms or lowercase \\u escapes', () => {
    assert.equal(canonicalize('\b\t\n\f\r\u0000\u001f"\\/'), String.raw`"\b\t\n\f\r\u0000\u001f\"\\/"`);
    assert.equal(canonicalize('\u007f\u2028\u2029'), '"\u007f\u2028\u2029"');
  });

  test('lone surrogates are rejected', () => {
    assert.throws(() => canonicalize('a\ud800'), /\$: string contains a lone surrogate/);
    assert.throws(() => canonicalize({ '\udc00': 1 }), TypeError);
  });
});

describe('rejection of non-JSON values names the path', () => {
  const cases: Array<[string, unknown, string]> = [
    ['NaN', { a: [1, 2, Number.NaN] }, '$.a[2]'],
    ['Infinity', [Number.POSITIVE_INFINITY], '$[0]'],
    ['undefined member', { a: { b: undefined } }, '$.a.b'],
    ['undefined root', undefined, '$'],
    ['function', { f: () => 1 }, '$.f'],
    ['bigint', { n: 1n }, '$.n'],
    ['symbol value', [Symbol('x')], '$[0]'],
    ['Date', { when: new Date(0) }, '$.when'],
    ['Map', { m: new Map() }, '$.m'],
    ['Uint8Array', { b: new Uint8Array(1) }, '$.b'],
    ['boxed string', { s: new String('x') }, '$.s'],
    ['custom prototype', { c: Object.create({ inherited: true }) as unknown }, '$.c'],
    ['weird key', { 'a b': [null, Number.NaN] }, '$["a b"][1]'],
    ['array hole', { h: holeyArray() }, '$.h[1]'],
  ];
  for (const [name, value, path] of cases) {
    test(name, () => {
      assert.throws(
        () => canonicalize(value),
        (error: unknown) => error instanceof TypeError && error.message.startsWith(`${path}:`),
      );
    });
  }

  test('symbol-keyed properties', () => {
    assert.throws(() => canonicalize({ a: { [Symbol('s')]: 1 } }), /^TypeError: \$\.a:/);
  });

  test('cycles', () => {
    const a: Record<string, unknown> = {};
    a['self'] = { again: a };
    assert.throws(() => canonicalize(a), /\$\.self\.again: cyclic/);
  });

  test('shared (non-cyclic) references are fine', () => {
    const shared = { x: 1 };
    assert.equal(canonicalize({ a: shared, b: [shared] }), '{"a":{"x":1},"b":[{"x":1}]}');
  });

  test('null-prototype objects and __proto__ keys are plain data', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['z'] = 1;
    bare['a'] = 2;
    assert.equal(canonicalize(bare), '{"a":2,"z":1}');
    assert.equal(canonicalize(JSON.parse('{"__proto__":{"b":1},"a":0}')), '{"__proto__":{"b":1},"a":0}');
  });

  test('toJSON is not consulted', () => {
    assert.equal(canonicalize({ toJSON: 1 }), '{"toJSON":1}');
    assert.throws(() => canonicalize({ v: { toJSON: () => 'x' } }), /\$\.v\.toJSON/);
  });
});

describe('properties', () => {
  const jsonArb = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 });

  test('canonicalize is idempotent through JSON.parse', () => {
    fc.assert(
      fc.property(jsonArb, (value) => {
        const once = canonicalize(value);
        assert.equal(canonicalize(JSON.parse(once)), once);
      }),
      { numRuns: 500 },
    );
  });

  test('output parses back to an equal value', () => {
    fc.assert(
      fc.property(jsonArb, (value) => {
        // JSON cannot carry -0, so compare against a JSON round trip of the input.
        assert.deepEqual(JSON.parse(canonicalize(value)), JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  test('key insertion order does not matter', () => {
    fc.assert(
      fc.property(jsonArb, (value) => {
        const expected = canonicalize(value);
        assert.equal(canonicalize(shuffleKeys(value, true)), expected);
        assert.equal(canonicalize(shuffleKeys(value, false)), expected);
      }),
      { numRuns: 500 },
    );
  });

  test('output contains no insignificant whitespace', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme-ascii' }), fc.integer()), (value) => {
        const text = canonicalize(value);
        const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '');
        assert.doesNotMatch(outsideStrings, /\s/);
      }),
    );
  });
});
