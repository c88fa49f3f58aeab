// Secrets are redacted by value: whatever path a secret takes (URL, env, output, error), its bytes never leave.
import { passwordCandidates } from '../db/url.js';
import { encodedForms } from './encodings.js';

export const MASK = '****';

export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly registered = new Set<string>(); // what add() was given, each form registered once
  private longestForm: number | undefined;
  /** URL passwords of one or two characters: masked only between ':' and '@' (addShortPassword). */
  private readonly shortPasswords = new Set<string>();

  /** Registers a secret and the forms it takes when encoded (secrets/encodings.ts). Values shorter than 3 chars
   *  are too common to mask. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < 3 || this.registered.has(secret)) return;
    this.registered.add(secret);
    for (const form of [secret, safeDecode(secret), ...encodedForms(secret)]) {
      if (form && form.length >= 3) this.secrets.add(form);
    }
    this.longestForm = undefined;
  }

  /** A value that is a secret as a whole: registered whole and, when it is a connection URL, its password too
   *  (the URL may be rebuilt around it: another host, the password percent-encoded differently). */
  addValue(value: string | undefined | null): void {
    if (!value) return;
    this.add(value);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) this.addUrl(value);
  }

  /** Whether the text holds any registered secret (in any of its forms). */
  contains(text: string): boolean {
    for (const s of this.secrets) if (text.includes(s)) return true;
    for (const pw of this.shortPasswords) if (text.includes(`:${pw}@`)) return true;
    return false;
  }

  /** Registers the password of a connection URL, if it has one. */
  addUrl(url: string): void {
    for (const raw of passwordCandidates(url)) { this.add(raw); this.add(safeDecode(raw)); this.addShortPassword(url, raw); }
    // Passwords can also ride in the query string (mysql2 and libpq both accept them there). A raw '#' or '&'
    // in one is a common typo, so the value is also taken to run up to the next `&key=` or the end.
    for (const m of url.matchAll(/[?&](?:password|sslpassword|pass)=([^&]*)/gis)) {
      const start = (m.index ?? 0) + m[0].length - (m[1] ?? '').length;
      const long = /^.*?(?=&[A-Za-z0-9_.%-]+=|$)/s.exec(url.slice(start))?.[0] ?? '';
      for (const raw of [m[1] ?? '', (m[1] ?? '').split('#')[0] ?? '', long]) { this.add(raw); this.add(safeDecode(raw)); }
    }
  }

  /** A password of one or two characters is too common to mask wherever it occurs, but inside its URL it is
   *  still the password: it is masked wherever it stands between ':' and '@', as in its URL. */
  private addShortPassword(url: string, raw: string): void {
    if (raw.length === 0 || raw.length >= 3 || !url.includes(`:${raw}@`)) return;
    this.shortPasswords.add(raw);
    this.longestForm = undefined;
  }

  mask(text: string): string {
    // Every occurrence of every secret is found in the original text first and overlapping ones merged:
    // masking one secret at a time would break an overlapping one and leave its other half readable.
    const ranges: [number, number][] = [];
    for (const s of this.secrets) for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) ranges.push([i, i + s.length]);
    for (const pw of this.shortPasswords) {
      for (let i = text.indexOf(`:${pw}@`); i >= 0; i = text.indexOf(`:${pw}@`, i + 1)) ranges.push([i + 1, i + 1 + pw.length]);
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '', pos = 0;
    let [start, end] = ranges[0]!;
    for (const [a, b] of ranges) {
      if (a <= end) { end = Math.max(end, b); continue; }
      out += text.slice(pos, start) + MASK;
      pos = end; start = a; end = b;
    }
    return out + text.slice(pos, start) + MASK + text.slice(end);
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }

  get size(): number { return this.secrets.size + this.shortPasswords.size; }

  /** Length of the longest secret: how much of a stream's tail could still be the start of one. */
  get longest(): number {
    this.longestForm ??= Math.max(0, ...[...this.secrets].map((s) => s.length), ...[...this.shortPasswords].map((pw) => pw.length + 2));
    return this.longestForm;
  }
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
