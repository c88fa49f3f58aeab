// A secret printed one character at a time whose characters are separator characters too (`:`, `+`, `-`, `=`,
// `,`, `;`, box rules): the text can be read as a run in several ways, and every reading must be looked at
// (secrets/spaced.ts). Found by the masking property (seed 1247412382: `a+:a` one character per table cell, the
// stream cut just after the `:`, showed `a |\n| + |\n| :`). Here the whole class, deterministically: a set of such
// secrets, every separator the property uses, in several surroundings, streamed with a cut at every position and
// one character at a time, and in one piece: no qualifying window of the secret or of its spaced-out text shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { classOf, SEP_CLASS, TOKEN_CLASS } from '../../src/secrets/spaced.js';
import { StreamMasker } from '../../src/secrets/stream-masker.js';
import { leaked, SEPARATORS } from './windows.js';

/** Separator characters that can also be a secret's (whitespace and table rules cannot: documented). */
const SECRETS = [
  'a+:a', '+:+:', ':::a', 'a:::', '-=-=', '++++', ',;:+', 'a,b;c', 'x-y-z-w', '--a--', '═a═b', '─┼─┼', '🔑:+🔑',
  'a:b+c=d-e,f;g', 'k=v;k2=v2,x:y+z-w', ':a:b:c:d:',
];

/** Where the spaced-out secret stands: a table under a header row, after a label, alone, inside ruled lines. */
const SURROUNDINGS: [string, (spaced: string, sep: string) => [string, string, string]][] = [
  ['table', (spaced, sep) => ['| x |\n', `${spaced}${sep}`, '\nend\n']],
  ['label', (spaced) => ['value: ', spaced, ' (done)\n']],
  ['alone', (spaced) => ['', spaced, '']],
  ['ruled', (spaced, sep) => ['+---+\n| ', `${spaced}${sep}`, '\n+---+\n']],
];

/** The stream cut at `cuts`, through one masker, with what flush() gives at the end. */
function streamed(r: Redactor, text: string, cuts: number[]): string {
  const m = new StreamMasker(r);
  let out = '', at = 0;
  for (const c of cuts) { out += m.push(text.slice(at, c)); at = c; }
  return out + m.push(text.slice(at)) + m.flush();
}

test('a secret of separator characters, spaced out with every separator, is masked however the stream is cut', () => {
  let cases = 0;
  for (const secret of SECRETS) {
    const r = new Redactor();
    r.addValue(secret);
    for (const sep of SEPARATORS) {
      const spaced = [...secret].join(sep);
      for (const [where, place] of SURROUNDINGS) {
        const [before, middle, after] = place(spaced, sep);
        const text = before + middle + after;
        const every = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
        for (const cuts of [[], ...every.map((i) => [i]), every]) {
          const out = streamed(r, text, cuts);
          const how = `${JSON.stringify(secret)} spaced by ${JSON.stringify(sep)} (${where}), cut at ${cuts.length > 1 ? 'every character' : JSON.stringify(cuts)}`;
          const shown = leaked([out.split(sep).join('')], secret) ?? leaked([out], spaced);
          assert.equal(shown, undefined, `${how}: ${JSON.stringify(out)}`);
          // Masked, not swallowed: the words around it are shown (its separators next to it may be masked with
          // it: `value: + : + :` holds the reversed `+:+:` from the label's colon on).
          const words = `${before} ${after}`.match(/[a-z]+/g) ?? [];
          assert.ok(out.includes('****') && words.every((w) => out.includes(w)), `${how}: ${JSON.stringify(out)}`);
          cases++;
        }
      }
    }
  }
  assert.ok(cases > 15_000, `${cases} cases`);
});

test('the counterexample the property found: a+:a, one character per table cell, cut just after the colon', () => {
  const r = new Redactor();
  r.addValue('a+:a');
  const text = '| x |\na |\n| + |\n| : |\n| a |\n| \nend\n';
  const m = new StreamMasker(r);
  const first = m.push(text.slice(0, 19));
  assert.equal(first, '| x |\n', 'the run still arriving is held from its first character');
  assert.equal(first + m.push(text.slice(19)) + m.flush(), '| x |\n**** |\n| \nend\n');
});

test('a reading the first match hid is found in one piece: the label\'s colon read as a character of the run', () => {
  const r = new Redactor();
  r.addValue(':::a');
  // `: :, :, :,` (the label's colon, then `:` spaced by ` :`…) was the one reading looked at, and it is no secret.
  assert.equal(r.mask('value: :, :, :, a (done)'), 'value: **** (done)');
  r.addValue('++++');
  assert.equal(r.mask('sum: +, +, +, + (done)'), 'sum: **** (done)');
});

test('tables, rule lines and lists without the secret are shown as they are', () => {
  const r = new Redactor();
  // Not the secrets a rule line spells (`+-+-+-+` is `++++` spaced by `-`).
  for (const s of ['a+:a', 'a,b;c', 'x-y-z-w', '🔑:+🔑', 'a:b+c=d-e,f;g', 'k=v;k2=v2,x:y+z-w']) r.addValue(s);
  const texts = [
    '+----+------+\n| id | name |\n+----+------+\n|  1 | a+b  |\n|  2 | c:d  |\n+----+------+\n',
    '┌─┬─┐\n│a│b│\n├─┼─┤\n│c│d│\n└─┴─┘\n', '=====\n-----\n+-+-+-+\n', 'a, b, c, d, e\n', 'x = 1; y = 2; z = 3\n',
  ];
  for (const text of texts) {
    assert.equal(r.mask(text), text);
    const every = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    assert.equal(streamed(r, text, every), text);
  }
});

test('the character classes the readings use are the ones their expressions name, for every code unit', () => {
  const token = new RegExp(`^${TOKEN_CLASS}$`, 'u');
  const sep = new RegExp(`^${SEP_CLASS}$`, 'u');
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    const k = classOf(c);
    if (k.token !== token.test(ch) || k.sep !== sep.test(ch)) assert.fail(`U+${c.toString(16)}: ${JSON.stringify(k)}`);
  }
});
