// Intl.Segmenter's cost grows faster than the text past a few thousand units on this machine's ICU (100,000
// characters: 108 s), and a step printing 200 KB hung a plain run for minutes in terminalText. graphemes() now
// segments a window at a time, and terminalText segments only the span that holds non-ASCII characters. The oracle
// is ICU itself on the whole text: generated texts (fixed seed) of the pieces whose grapheme rules look back or
// ahead (ZWJ emoji sequences, regional indicator runs, keycaps, combining marks, Hangul jamo, prepended
// concatenation marks, CR LF, surrogate pairs), several windows long, segment exactly as ICU segments them whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphemes } from '../../src/common/display-width.js';
import { terminalText } from '../../src/common/terminal-text.js';
import { rng } from '../helpers/rng.js';

const PIECES = [
  'a', 'bc', ' ', '\r\n', '\n', '1\ufe0f\u20e3', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', '\u{1f44d}\u{1f3fd}',
  '\u{1f1fa}', '\u{1f1f8}', '\u{1f1e9}\u{1f1ea}', 'e\u0301', '\u0301', '\u0300\u0301\u0302', '\u1100\u1161\u11a8', '\u115f',
  '\u0600', '\u0600a', '\u{110bd}', '\u0915\u094d\u0937', '\u00e9', '\u4e2d', '\u{20000}', '\u200d', '\ufe0f', '…', 'x'.repeat(300),
];

function text(random: () => number, length: number): string {
  let t = '';
  while (t.length < length) t += PIECES[Math.floor(random() * PIECES.length)];
  return t;
}

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const whole = (t: string) => [...icu.segment(t)].map((s) => s.segment);

test('graphemes() over texts several windows long: exactly ICU\'s segmentation of the whole text (generated, seed 7306)', () => {
  const random = rng(7306);
  for (let k = 0; k < 50; k++) {
    const t = text(random, 2500 + Math.floor(random() * 4000));
    assert.deepEqual([...graphemes(t)].map((s) => s.segment), whole(t), `text ${k} (${t.length} units)`);
  }
  // One grapheme longer than a window (a base and 5,000 marks) is taken as it is, in order, nothing lost.
  const marks = `a${'\u0301'.repeat(5000)}b`;
  assert.equal([...graphemes(marks)].map((s) => s.segment).join(''), marks);
});

test('terminalText: ASCII around the non-ASCII span is kept as it is; the span reads as it did alone (generated)', () => {
  const random = rng(7307);
  for (let k = 0; k < 60; k++) {
    const inner = text(random, 50 + Math.floor(random() * 1500));
    const before = 'p'.repeat(Math.floor(random() * 9000));
    const after = 'q'.repeat(Math.floor(random() * 9000));
    // Line breaks between them: a grapheme never spans one, so the span's reading cannot depend on the padding.
    assert.equal(terminalText(`${before}\n${inner}\n${after}`), `${before}\n${terminalText(inner)}\n${after}`, `text ${k}`);
  }
});
