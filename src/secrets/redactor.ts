// Secrets are redacted by value: whatever path a secret takes (URL, env, output, error), its bytes never leave.
import { displayUrl, passwordCandidates } from '../db/url.js';
import { base64Fragments, encodedForms, hexForm } from './encodings.js';
import { LiteralMatcher, type Range } from './matcher.js';
import { base64Probes, HexProbe, spreadOf, wrappedRanges, type WrappedForms } from './wrapped.js';
import { cutIndex, cutRanges, type CutForms } from './cuts.js';
import { holdOf, type Hold, type HoldForms } from './hold.js';
import { PrefixIndex } from './prefixes.js';
import { SCRIPT_FORMS_MAX, scriptForms } from './script-forms.js';
import { spacedRanges } from './spaced.js';

export const MASK = '****';

/** Numbers derived from a secret with fewer digits than this are not masked (Redactor.addDeep). */
export const MIN_NUMBER_DIGITS = 4;
/** How many secrets get the forms a script can print (secrets/script-forms.ts); later ones, the encodings only. */
const SCRIPT_FORMS_BUDGET = 16;
/** How many values of one structure are registered at most (a secret result of 10,000 rows of 20 columns is
 *  200,000 values); past it the rest of the structure is left to what its strings hold. */
const DEEP_BUDGET = 200_000;

export class Redactor {
  /** Every registered form, found in one pass (secrets/matcher.ts). */
  private readonly forms = new LiteralMatcher();
  /** The base64 and hex forms again, for blocks where lines and spacing stand between their characters. */
  private readonly b64 = new LiteralMatcher();
  private readonly hex = new LiteralMatcher();
  private readonly registered = new Set<string>(); // what add() was given, each form registered once
  private readonly scripted = new Set<string>(); // those given the forms a script can print too
  private longestForm = 0;
  private longestBytes = 0;
  private cuts: CutForms | undefined;
  private b64Cuts: CutForms | undefined;
  private hexCuts: CutForms | undefined;
  private holdForms: HoldForms | undefined;
  private readonly wrapped: WrappedForms = {
    b64: this.b64, hex: this.hex, b64Probe: new LiteralMatcher(), hexProbe: new HexProbe(),
    b64Cuts: () => (this.b64Cuts ??= cutIndex(this.b64.values())),
    hexCuts: () => (this.hexCuts ??= cutIndex(this.hex.values())),
  };
  /** URL passwords of one or two characters: masked only between ':' and '@' (addShortPassword). */
  private readonly shortPasswords = new Set<string>();
  /** Secrets no script is given whose script forms wait for the first script (addLater, scriptFormsNow). */
  private readonly later = new Set<string>();

  /** Registers a secret and the forms it takes when encoded (secrets/encodings.ts). Values shorter than 3 chars
   *  are too common to mask; one of exactly 3 is masked where it stands alone, not inside a longer word or
   *  number (a secret "app" leaves "application" readable, and masks "app" and "user=app"). `derived`: a value
   *  computed from a secret or one of many in a structure gets the encodings only; the run's own secrets also
   *  get what a script can print of them (windows, reversed, base32, entities, two encodings: script-forms.ts). */
  add(secret: string | undefined | null, derived = false): void {
    if (!secret || secret.length < 3) return;
    if (!this.registered.has(secret)) {
      this.registered.add(secret);
      for (const form of [secret, safeDecode(secret), ...encodedForms(secret)]) this.addForm(form);
      for (const fragment of base64Fragments(secret)) this.addB64(fragment);
      this.addHex(hexForm(secret));
      this.longestBytes = Math.max(this.longestBytes, Buffer.byteLength(secret));
    }
    // A URL's password has these forms of its own (addUrl); the URL's windows would mask its server where it is shown.
    if (!derived && !URL_LIKE.test(secret) && secret.length <= SCRIPT_FORMS_MAX && this.scripted.size < SCRIPT_FORMS_BUDGET && !this.scripted.has(secret)) {
      this.scripted.add(secret);
      const more = scriptForms(secret);
      for (const form of more.literal) this.addForm(form);
      for (const fragment of more.wrappedB64) this.addB64(fragment);
      for (const hex of more.wrappedHex) this.addHex(hex);
    }
    this.cuts = this.b64Cuts = this.hexCuts = undefined;
    this.holdForms = undefined;
  }

  /** A secret no script of the run is given (a credential variable steps do not inherit, secrets/credential-env.ts):
   *  its encodings now, the forms a script can print of it (script-forms.ts: most of a secret's cost, ~3 ms at
   *  start-up) only before the first script may print them (scriptFormsNow). */
  addLater(secret: string | undefined | null): void {
    this.add(secret, true);
    if (secret && secret.length >= 3) this.later.add(secret);
  }

  /** The forms addLater held back, now: called before any action runs (executors' beforeAct, cli/prepare-run.ts)
   *  and by every stream of a script's output as it starts (stream-masker.ts). */
  scriptFormsNow(): void {
    if (this.later.size === 0) return;
    const secrets = [...this.later];
    this.later.clear();
    for (const secret of secrets) this.add(secret);
  }

  private addForm(form: string): void {
    if (form && form.length >= 3) { this.forms.add(form); this.longestForm = Math.max(this.longestForm, form.length); }
  }

  private addB64(fragment: string): void {
    this.b64.add(fragment);
    for (const probe of base64Probes(fragment)) this.wrapped.b64Probe.add(probe);
  }

  private addHex(hex: string): void {
    this.hex.add(hex);
    this.wrapped.hexProbe.add(hex);
  }

  /** A value that is a secret as a whole: registered whole and, when it is a connection URL, its password too
   *  (the URL may be rebuilt around it: another host, the password percent-encoded differently). */
  addValue(value: string | undefined | null, derived = false): void {
    if (!value) return;
    this.add(value, derived);
    if (URL_LIKE.test(value)) this.addUrl(value);
  }

  /** A connection URL as the run's target is shown: a database URL's password's place masked first (whatever its
   *  length), then every registered secret. A secret database URL with a password shows its server; one without
   *  (all of it is the secret, as far as anyone can tell), or any other secret URL, is masked whole. */
  showUrl(url: string): string {
    return this.mask(displayUrl(url));
  }

  /** Every value a secret structure holds (a secret step's rows and outputs, split(secret)): each string as a
   *  whole value (addValue), each number of at least MIN_NUMBER_DIGITS digits. A shorter number (a length, a
   *  count, a port-sized id) is left readable: masking "20" would mask every 20 in every output, and three
   *  digits are not a secret anyone can rely on. */
  addDeep(value: unknown, budget = { left: DEEP_BUDGET }): void {
    if (--budget.left < 0) return;
    if (typeof value === 'string') this.addValue(value, true);
    else if (typeof value === 'number' || typeof value === 'bigint') this.addNumber(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) this.addDeep(v, budget);
  }

  /** A number from a secret: registered when it has at least MIN_NUMBER_DIGITS digits (see addDeep). */
  addNumber(n: number | bigint): void {
    const text = String(n);
    if ((text.match(/[0-9]/g) ?? []).length >= MIN_NUMBER_DIGITS) this.add(text, true);
  }

  /** Whether the text holds any registered secret (in any of its forms). */
  contains(text: string): boolean {
    if (this.forms.test(text, standsAlone(text))) return true;
    for (const pw of this.shortPasswords) if (text.includes(`:${pw}@`)) return true;
    return false;
  }

  /** Registers the password of a connection URL, if it has one. `later`: no script is given the URL (addLater). */
  addUrl(url: string, opts: { later?: boolean } = {}): void {
    const add = (secret: string) => (opts.later ? this.addLater(secret) : this.add(secret));
    for (const raw of passwordCandidates(url)) { add(raw); add(safeDecode(raw)); this.addShortPassword(url, raw); }
    // Passwords can also ride in the query string (mysql2 and libpq both accept them there). A raw '#' or '&'
    // in one is a common typo, so the value is also taken to run up to the next `&key=` or the end.
    for (const m of url.matchAll(/[?&](?:password|sslpassword|pass)=([^&]*)/gis)) {
      const start = (m.index ?? 0) + m[0].length - (m[1] ?? '').length;
      const long = /^.*?(?=&[A-Za-z0-9_.%-]+=|$)/s.exec(url.slice(start))?.[0] ?? '';
      for (const raw of [m[1] ?? '', (m[1] ?? '').split('#')[0] ?? '', long]) { add(raw); add(safeDecode(raw)); }
    }
  }

  /** A password of one or two characters is too common to mask wherever it occurs, but inside its URL it is
   *  still the password: it is masked wherever it stands between ':' and '@', as in its URL. */
  private addShortPassword(url: string, raw: string): void {
    if (raw.length === 0 || raw.length >= 3 || !url.includes(`:${raw}@`)) return;
    this.shortPasswords.add(raw);
    this.longestForm = Math.max(this.longestForm, raw.length + 2);
    this.holdForms = undefined;
  }

  mask(text: string): string {
    return render(text, this.ranges(text, true).ranges, text.length);
  }

  /** What to mask in `text`: merged ranges in order, and the span of each match (one secret, or one secret over
   *  several lines of a dump): a stream must not cut inside one (StreamMasker). `final: false`: more of the
   *  same stream follows, so a dump or base64 block that reaches the end of `text` may go on, and is not taken
   *  to end inside a secret. */
  ranges(text: string, final: boolean): { ranges: Range[]; spans: Range[] } {
    const spans: Range[] = [];
    if (this.size === 0 || text.length === 0) return { ranges: [], spans };
    // Every occurrence of every secret is found in the original text first and overlapping ones merged:
    // masking one secret at a time would break an overlapping one and leave its other half readable.
    const ranges: Range[] = [];
    this.forms.find(text, ranges, standsAlone(text));
    for (const pw of this.shortPasswords) {
      for (let i = text.indexOf(`:${pw}@`); i >= 0; i = text.indexOf(`:${pw}@`, i + 1)) ranges.push([i + 1, i + 1 + pw.length]);
    }
    wrappedRanges(text, this.wrapped, ranges, spans, final);
    spacedRanges(text, this.forms, standsAlone, ranges);
    if (text.includes('…')) cutRanges(text, (this.cuts ??= cutIndex(this.forms.values())), ranges);
    // Each match on its own is a span too (not merged: back-to-back secrets merge into one range of any length).
    return { ranges: merge([...ranges]), spans: [...spans, ...ranges] };
  }

  /** What a stream whose text so far is `text`, released up to `from`, must still hold back (secrets/hold.ts). */
  hold(text: string, from: number): Hold {
    if (this.size === 0) return { at: text.length, pieces: [] };
    this.holdForms ??= {
      raw: new PrefixIndex([...this.forms.values(), ...[...this.shortPasswords].map((pw) => `:${pw}@`)]),
      triples: new Set([...this.forms.values()].filter((f) => f.length === 3)),
      b64: new PrefixIndex(this.b64.values()), b64Cuts: this.wrapped.b64Cuts,
      hex: new PrefixIndex(this.hex.values()), hexCuts: this.wrapped.hexCuts,
      reach: this.holdback,
    };
    return holdOf(text, from, this.holdForms);
  }

  /** Masks every string inside a JSON-like value, and every number that shows a secret (a secret PIN input of
   *  type number, a number computed from a secret): it becomes the masked string. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      const masked = this.size ? this.mask(text) : text;
      return (masked === text ? value : masked) as T;
    }
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }

  get size(): number { return this.forms.size + this.shortPasswords.size; }

  /** How much of a stream's tail could still hold the start of a secret, spread over lines too (wrapped
   *  base64, a hex dump): what a stream masker holds back. */
  get holdback(): number {
    if (this.size === 0) return 0;
    return Math.max(this.longestForm, spreadOf(this.longestBytes));
  }
}

/** Overlapping or touching ranges as one, in order. */
export function merge(ranges: Range[]): Range[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `text` from `start` up to `end` with each (merged) range replaced by the mask; a range that runs past `end` is
 *  masked up to it (the rest is masked again with what follows), one that starts before `start` from `start` on
 *  (what came before was shown by an earlier call). */
export function render(text: string, ranges: Range[], end: number, start = 0): string {
  let out = '', pos = start;
  for (const [a, b] of ranges) {
    if (b <= start) continue;
    if (a >= end) break;
    out += text.slice(pos, Math.max(a, pos)) + MASK;
    pos = Math.min(b, end);
  }
  return out + text.slice(pos, end);
}

/** A form of exactly 3 characters counts only where no letter or digit touches it (see Redactor.add). */
function standsAlone(text: string): (start: number, end: number) => boolean {
  return (start, end) => end - start > 3 || (!WORD.test(text[start - 1] ?? '') && !WORD.test(text[end] ?? ''));
}
const WORD = /[A-Za-z0-9]/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
