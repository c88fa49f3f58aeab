// The one sanitizer for what is shown: every control, format and bidi character is neutralised and visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalJson, terminalSafe, terminalText } from '../../src/common/terminal-text.js';

/** Any character a terminal acts on or that hides text: none may survive terminalText. */
export const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\u{e0001}|[\u{e0020}-\u{e007f}]/u;

const ATTACKS: [string, string, string][] = [
  ['CSI clear screen + cursor home', '\x1b[2J\x1b[H', '␛[2J␛[H'],
  ['OSC 52 clipboard write (BEL)', '\x1b]52;c;cm0gLXJmIC8K\x07', '␛]52;c;cm0gLXJmIC8K␇'],
  ['OSC 52 clipboard write (ST)', '\x1b]52;c;cm0K\x1b\\', '␛]52;c;cm0K␛\\'],
  ['OSC 0 window title', '\x1b]0;pwned\x07', '␛]0;pwned␇'],
  ['DCS', '\x1bP1$qm\x1b\\', '␛P1$qm␛\\'],
  ['APC / PM / SOS', '\x1b_a\x1b\\\x1b^b\x1b\\\x1bXc\x1b\\', '␛_a␛\\␛^b␛\\␛Xc␛\\'],
  ['8-bit CSI', '\u009b2J', '<U+009B>2J'],
  ['8-bit OSC 52', '\u009d52;c;eA==\u0007', '<U+009D>52;c;eA==␇'],
  ['carriage return overdraw', 'rm -rf /\rls      ', 'rm -rf /␍ls      '],
  ['backspace overdraw', 'rm\b\bls', 'rm␈␈ls'],
  ['bidi override', 'ok \u202eevil\u202c', 'ok <U+202E>evil<U+202C>'],
  ['bidi isolate', '\u2066a\u2069\u2067b\u2069\u2068c\u2069', '<U+2066>a<U+2069><U+2067>b<U+2069><U+2068>c<U+2069>'],
  ['zero-width space, soft hyphen, BOM', 'r\u200bm r\u00adm \ufeffx', 'r<U+200B>m r<U+00AD>m <U+FEFF>x'],
  ['tag characters (invisible text)', 'a\u{e0041}\u{e0042}', 'a<U+E0041><U+E0042>'],
  ['line separator, NUL, DEL', 'a\u2028b\u0000c\u007f', 'a<U+2028>b␀c␡'],
];

test('every class of terminal attack is shown, inert and visible', () => {
  for (const [what, raw, shown] of ATTACKS) {
    assert.equal(terminalText(raw), shown, what);
    assert.doesNotMatch(terminalText(raw), RAW, what);
  }
});

test('kept: newlines, tabs, CRLF as a newline, joiners, plain and astral text; colour (SGR) is dropped', () => {
  assert.equal(terminalText('a\tb\r\nc\n'), 'a\tb\nc\n');
  assert.equal(terminalText('é ß 中文 😀 ไทย'), 'é ß 中文 😀 ไทย');
  // A sequence whose width the readers disagree on (two columns to ink, six to tmux) is written out, its joiners kept.
  assert.equal(terminalText('👨‍👩‍👧'), '<U+1F468>‍<U+1F469>‍<U+1F467>');
  assert.equal(terminalText('\x1b[31mred\x1b[0m \x1b[1;38;5;196mbold\x1b[m'), 'red bold');
  assert.equal(terminalText('\x1b[8mhidden\x1b[28m'), 'hidden', 'concealed text becomes visible');
});

test('idempotent: shown text shown again is unchanged', () => {
  for (const [, raw] of ATTACKS) assert.equal(terminalText(terminalText(raw)), terminalText(raw));
});

test('terminalSafe: every string of an event, keys included, nested in arrays and objects; the input is not changed', () => {
  const event = { type: 'step-finished', stepId: 's', result: { status: 'ok', durationMs: 1, columns: ['\x1b[2Jc'], rows: [{ '\x1b[2Jc': '\x1b]52;c;eA==\x07', n: 7, d: null }] } };
  const safe = terminalSafe(event);
  assert.deepEqual(safe.result.rows, [{ '␛[2Jc': '␛]52;c;eA==␇', n: 7, d: null }]);
  assert.deepEqual(safe.result.columns, ['␛[2Jc']);
  assert.equal(event.result.columns[0], '\x1b[2Jc', 'the engine keeps its raw values');
  const date = new Date(0);
  assert.equal(terminalSafe({ date }).date, date);
});

test('terminalJson: lossless JSON with no raw control, C1, bidi or invisible character', () => {
  const value = { s: '\x1b]52;c;eA==\x07 \u009b2J \u202eevil \u2028 \u{e0041} \x7f', n: 1 };
  const json = terminalJson(value, 2);
  assert.doesNotMatch(json, RAW);
  assert.deepEqual(JSON.parse(json), value);
});
