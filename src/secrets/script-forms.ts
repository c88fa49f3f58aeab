// What a script can print of a secret it was given, beyond the encodings every registered value gets
// (secrets/encodings.ts): a window of it (cut at either or both ends), the secret reversed, base32, HTML/XML
// entities, and one known encoding of another (base64 of the JSON form, the shell-quoted JSON form that `set -x`
// prints for json(secret), hex of base64, …). A secret spaced out one character at a time is found by
// secrets/spaced.ts. These are registered for the run's own secrets (inputs, answers, captures), not for every
// string computed from one (Redactor.add): a window of 'Password for alice: ' + secret may hold no secret at all.
import { base64Fragments, encodedForms, hexForm, jsonBody, shellSingle } from './encodings.js';

/** Secrets longer than this (keys, certificates) get only the encodings every value gets: their windows and
 *  compositions would be hundreds of forms of hundreds of characters each. */
export const SCRIPT_FORMS_MAX = 128;

/** The shortest window of a secret of `n` characters that is masked on its own: max(8, ⅔ n). */
export const windowLength = (n: number): number => Math.max(8, Math.ceil((2 * n) / 3));

export interface ScriptForms {
  /** Found as they stand (secrets/matcher.ts). */
  literal: string[];
  /** Base64 and base32 fragments (in `literal` too), also found wrapped over lines (secrets/wrapped.ts). */
  wrappedB64: string[];
  /** Hex forms, also found in a dump. */
  wrappedHex: string[];
}

export function scriptForms(secret: string): ScriptForms {
  const literal = new Set<string>();
  // `base32` wraps at 76 columns like `base64`: its upper-case fragments are found wrapped too.
  const b32 = base32Fragments(secret);
  const wrappedB64 = new Set<string>(b32.filter((f) => f === f.toUpperCase() && /^[A-Z2-7]+$/.test(f)));
  const wrappedHex = new Set<string>();
  const rev = reversed(secret);
  for (const f of [...windows(secret), rev, ...windows(rev), ...htmlForms(secret), ...b32]) literal.add(f);
  // One encoding of another: every first-level rendering, encoded again. Dumps (xxd) are looked for of the JSON
  // and base64 forms only: each dumped form costs every chunk a probe, and a dump of the others is on one line
  // (xxd -p of a short form) or not a thing scripts print.
  const json = jsonBody(secret), b64 = Buffer.from(secret, 'utf8').toString('base64');
  for (const first of firstLevel(secret)) {
    if (first === secret) continue;
    for (const f of [...encodedForms(first), ...htmlForms(first), reversed(first), base32(Buffer.from(first, 'utf8'), B32)]) literal.add(f);
    for (const f of base64Fragments(first)) wrappedB64.add(f);
    for (const f of base32Fragments(first)) if (/^[A-Z2-7]+$/.test(f)) wrappedB64.add(f); else literal.add(f);
    if (first === json || first === b64) wrappedHex.add(hexForm(first));
  }
  for (const f of wrappedB64) literal.add(f); // on one line, as they stand
  literal.delete(secret);
  return { literal: [...literal], wrappedB64: [...wrappedB64], wrappedHex: [...wrappedHex] };
}

/** Every run of windowLength(n) characters of the secret (code points, so no half of a surrogate pair); a longer
 *  window holds one, and overlapping matches are merged. Nothing for a secret of 8 characters or fewer. */
export function windows(secret: string): string[] {
  const cps = [...secret];
  const w = windowLength(cps.length);
  const out: string[] = [];
  for (let i = 0; i + w <= cps.length && w < cps.length; i++) out.push(cps.slice(i, i + w).join(''));
  return out;
}

export const reversed = (s: string): string => [...s].reverse().join('');

/** The whole renderings a script (or the engine) makes of a secret, each of which may be encoded again. */
function firstLevel(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  const hex = hexForm(s);
  return [...new Set([
    shellSingle(s), jsonBody(s), encodeURIComponent(s), bytes.toString('base64'), bytes.toString('base64url'),
    hex, hex.toUpperCase(), base32(bytes, B32), htmlEscape(s, '&quot;', '&#39;'), htmlEscape(s, '&quot;', '&#x27;'), reversed(s),
  ])];
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** RFC 4648 base32 without padding. */
export function base32(bytes: Uint8Array, alphabet = B32): string {
  let out = '', value = 0, bits = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Base32 of the secret wherever it stands in a longer text (5 alignments, as base64Fragments does for 3): only
 *  the characters that depend on the secret's bytes alone. Upper and lower case, and the base32hex alphabet. */
export function base32Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let shift = 0; shift < 5; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const start = Math.ceil((8 * shift) / 5);
    const end = Math.floor((8 * padded.length) / 5);
    for (const alphabet of [B32, B32HEX]) {
      const fragment = base32(padded, alphabet).slice(start, end);
      if (fragment.length >= 4) out.push(fragment, fragment.toLowerCase());
    }
  }
  return out;
}

/** HTML and XML escaping as the usual escapers write it (html.escape, htmlspecialchars, lodash, XML text and
 *  attributes), non-ASCII as character references too, and every character as a reference (decimal, hex). */
export function htmlForms(s: string): string[] {
  const out = new Set<string>();
  if (/[&<>"']/.test(s)) {
    for (const quot of ['"', '&quot;', '&#34;']) for (const apos of ["'", '&#39;', '&#039;', '&#x27;', '&apos;']) out.add(htmlEscape(s, quot, apos));
  }
  if (/[^\x00-\x7f]/.test(s)) out.add(htmlEscape(s, '&quot;', '&#x27;').replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`));
  out.add(htmlEntities(s, 10));
  out.add(htmlEntities(s, 16));
  out.add(htmlEntities(s, 16).toUpperCase().replaceAll('&#X', '&#x'));
  out.delete(s);
  return [...out];
}

function htmlEscape(s: string, quot: string, apos: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': quot, "'": apos };
  return s.replace(/[&<>"']/g, (c) => map[c]!);
}

function htmlEntities(s: string, radix: 10 | 16): string {
  return [...s].map((c) => `&#${radix === 16 ? 'x' : ''}${c.codePointAt(0)!.toString(radix)};`).join('');
}
