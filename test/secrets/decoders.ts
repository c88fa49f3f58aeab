// The inverse of each transform of test/secrets/taint-flow.test.ts's corpus, text in the C locale (latin1): the
// test decodes every output the way its transform encoded it, one transform at a time against what bash really
// printed at that point, back to the secret. So the corpus provably holds the secret in each form, and each
// intermediate form is one the records are searched for.
import { gunzipSync } from 'node:zlib';

const latin1 = (bytes: number[] | Buffer): string => Buffer.from(bytes).toString('latin1');
/** od's lines: an offset, then columns; the last line is the offset alone. */
const odLines = (out: string): string[] => out.split('\n').filter((l) => l.length > 7).map((l) => l.slice(7));
const numbers = (radix: number) => (out: string): string => latin1(odLines(out).flatMap((l) => l.trim().split(/\s+/)).map((n) => parseInt(n, radix)));
const hex = (text: string): string => latin1(Buffer.from(text.replace(/\s/g, ''), 'hex'));

const OD_ESCAPES: Record<string, string> = { '\\0': '\0', '\\a': '\x07', '\\b': '\b', '\\f': '\f', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\v': '\v' };
/** od -c: four columns a byte, a character, a C escape, or three octal digits; four spaces are a space. */
function odChars(out: string): string {
  return odLines(out).map((l) => (l.match(/.{4}/g) ?? []).map((c) => {
    const v = c.trim();
    if (v === '') return ' ';
    if (/^[0-7]{3}$/.test(v)) return String.fromCharCode(parseInt(v, 8));
    return OD_ESCAPES[v] ?? v;
  }).join('')).join('');
}

/** xxd: after the offset, hex in groups of four digits, then two spaces and the ASCII column. */
const xxdHex = (out: string): string => hex(out.split('\n').map((l) => /^[0-9a-f]{8}: (.*?)  /.exec(l)?.[1] ?? '').join(''));
/** xxd -b: after the offset, six groups of eight bits. */
const xxdBits = (out: string): string => latin1(out.split('\n').flatMap((l) => (/^[0-9a-f]{8}: (.*?)  /.exec(l)?.[1] ?? '').match(/[01]{8}/g) ?? []).map((b) => parseInt(b, 2)));

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(out: string): string {
  const bits = [...out.replace(/[=\s]/g, '')].map((c) => BASE32.indexOf(c).toString(2).padStart(5, '0')).join('');
  return latin1((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}
const base64 = (out: string): Buffer => Buffer.from(out.replace(/\s/g, ''), 'base64');

/** fold -w5 breaks a line after five bytes when more follow: a five-byte line's newline is fold's. */
const unfold = (out: string): string => out.replace(/^(.{5})\n/gm, '$1');
const rot13 = (t: string): string => t.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 84) % 26) + (c <= 'Z' ? 65 : 97)));
const revLines = (out: string): string => out.split('\n').map((l) => [...l].reverse().join('')).join('\n');

/** transform → its inverse; 'tr a-z A-Z' loses case, so its decoding is compared ignoring case. */
export const INVERSE: Record<string, (out: string) => string> = {
  'od -c': odChars,
  'od -b': numbers(8),
  'od -tu1': numbers(10),
  'od -An -tx1': hex,
  'fold -w5': unfold,
  'xxd -b': xxdBits,
  'xxd -p': hex,
  'xxd': xxdHex,
  'tr a-z A-Z': (out) => out,
  "tr 'A-Za-z' 'N-ZA-Mn-za-m'": rot13,
  'rev': revLines,
  'base64': (out) => latin1(base64(out)),
  'base32': base32,
  'basenc --base16': hex,
  'gzip -n | base64': (out) => latin1(gunzipSync(base64(out))),
  'iconv -f UTF-8 -t UTF-16LE | xxd -p': (out) => Buffer.from(hex(out), 'latin1').toString('utf16le'),
  "sed 's/./&\\n/g'": (out) => out.replace(/(.)\n/g, '$1'),
  "xxd -p | tr -d '\\n' | sed 's/../%&/g'": (out) => hex(out.replace(/%/g, '')),
  "xxd -p | tr -d '\\n' | sed 's/../\\\\x&/g'": (out) => hex(out.replace(/\\x/g, '')),
  "xxd -p | tr -d '\\n' | sed 's/../\\\\u00&/g'": (out) => hex(out.replace(/\\u00/g, '')),
  "od -An -tu1 | tr -s ' ' ','": (out) => latin1(out.split(',').filter((n) => n.trim() !== '').map(Number)),
  "sed 's/./&-/g'": (out) => out.replace(/(.)-/g, '$1'),
  'cat': (out) => out,
};

/** Whether a decoding matches what bash printed before the transform (ignoring case where the transform lost it). */
export const decodesTo = (transform: string, decoded: string, before: string): boolean =>
  transform === 'tr a-z A-Z' ? decoded === before.toUpperCase() : decoded === before;
