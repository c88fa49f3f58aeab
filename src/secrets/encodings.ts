// The forms a secret takes on its way out: a script echoes it URL-encoded, JSON-escaped, shell-quoted by
// `set -x` or `printf %q`, base64- or hex-encoded, or a one-line rendering collapses its whitespace. Each form
// is a string the redactor masks like the secret. Wrapped base64 and hex dumps are found by secrets/wrapped.ts.

/** Encoded fragments shorter than this are too likely to occur by chance. */
const MIN_FRAGMENT = 4;

export function encodedForms(secret: string): string[] {
  const forms = [
    // The engine trims what it reads back: a step's `output`, each of lines() and split().
    ...new Set([secret.trim(), secret.trimEnd(), secret.trimStart()].filter((t) => t !== secret)),
    ...collapsedForms(secret),
    ...withLowerEscapes([encodeURIComponent(secret), encodeURI(secret), formEncode(secret)]),
    jsonBody(secret), asciiJsonBody(secret), jsonBody(secret).replaceAll('/', '\\/'),
    shellSingle(secret),                                  // inside '…', as set -x prints a word
    secret.replace(/[ !"$&'()*;<>?[\\\]`{|}^]/g, '\\$&'),  // printf %q without control characters
    ansiC(secret),                                        // $'…', as printf %q and set -x print control characters
    ...base64Fragments(secret),
  ];
  const hex = hexForm(secret);
  forms.push(hex, hex.toUpperCase());
  return forms;
}

/** The secret's bytes in lower-case hex, as a hex dump holds them once its offsets, spacing and text column are
 *  taken out (secrets/wrapped.ts). */
export function hexForm(secret: string): string {
  return Buffer.from(secret, 'utf8').toString('hex');
}

/** A secret with whitespace inside (a multi-line key, "tab\there") as a one-line rendering shows it: a title, a
 *  for_each label, a wait step's last line, an error line all turn each run of whitespace into one space. */
function collapsedForms(secret: string): string[] {
  if (!/\s/.test(secret)) return [];
  return [secret.replace(/\s+/g, ' '), secret.replace(/\s+/g, ' ').trim(), secret.replace(/\s*\n\s*/g, ' ')];
}

/** Percent-encoding with lower-case hex (%2f) as some encoders write it, besides the upper-case original. */
function withLowerEscapes(forms: string[]): string[] {
  return forms.flatMap((f) => { const lower = f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()); return lower === f ? [f] : [f, lower]; });
}

function formEncode(s: string): string {
  return new URLSearchParams({ v: s }).toString().slice(2);
}

/** Inside '…': each ' closes, is escaped and reopens (shellQuote, set -x). */
export function shellSingle(s: string): string {
  return s.replace(/'/g, `'\\''`);
}

export function jsonBody(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** JSON as Python's json.dumps writes it by default (ensure_ascii): every non-ASCII unit as \uXXXX. */
function asciiJsonBody(s: string): string {
  return jsonBody(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ANSI: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\x1b': '\\E', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', "'": "\\'" };

/** Inside $'…', as printf %q and set -x print a word with control characters. */
export function ansiC(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\\']/g, (c) => ANSI[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Base64 of the secret wherever it stands in a longer text: the text's encoding depends on the secret's offset
 *  modulo 3, so each of the three alignments gives a different run of characters. Only the characters that depend
 *  on the secret's bytes alone are kept (the first and last few also carry bits of the neighbouring bytes). In the
 *  standard and the URL-safe alphabet. */
export function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (const shift of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const encoded = padded.toString('base64');
    const start = Math.ceil((8 * shift) / 6);        // characters before this carry bits of the preceding bytes
    const end = Math.floor((8 * padded.length) / 6); // characters from here carry bits of the following bytes
    const fragment = encoded.slice(start, end);
    if (fragment.length >= MIN_FRAGMENT) out.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
