// Finds every occurrence of many literal strings in a text in one pass per group of them: the literals as one
// regular expression of alternatives, longest first, so a text is scanned once whatever the number of secrets
// (one indexOf per secret and encoded form was 3 s per 200 MB of output at 10 secrets, 30 s at 100). Every start
// position is tried (the scan resumes one character after a match, not after its end), so two secrets that
// overlap are both found and the caller merges them. Past MANY literals (a run's own secret has a few hundred
// forms), the long ones are found by a scan that skips (secrets/skip-scan.ts), the rest as before.
import { Grams } from './grams.js';
import { MIN, SkipScanner } from './skip-scan.js';

/** Alternatives per expression: V8 compiles a very large alternation slowly, or not at all. */
const GROUP = 2000;
/** Up to this many literals, one indexOf each is faster than an alternation (V8 skips through the text). */
const FEW = 6;
/** From this many literals on, the long ones go to the skipping scan. */
const MANY = 48;

/** A match of the literal `text.slice(start, end)`. */
export type Range = [number, number];

type Hit = (start: number, end: number) => boolean;

export class LiteralMatcher {
  private plan: { skip?: SkipScanner; short: string[]; groups?: RegExp[] } | undefined;
  private readonly literals = new Set<string>();
  private grammed: Grams | undefined;
  private longestLiteral = 0;

  get size(): number { return this.literals.size; }
  values(): IterableIterator<string> { return this.literals.values(); }

  add(literal: string): void {
    if (!literal || this.literals.has(literal)) return;
    this.literals.add(literal);
    this.longestLiteral = Math.max(this.longestLiteral, literal.length);
    this.plan = undefined;
    this.grammed = undefined;
  }

  /** The longest literal's length. */
  get longest(): number { return this.longestLiteral; }

  /** Which characters stand next to which in the literals (secrets/grams.ts), built when first asked for. */
  grams(): Grams { return (this.grammed ??= new Grams(this.literals)); }

  /** Pushes every occurrence onto `out`; `accept` may refuse one (it is then as if that literal did not match
   *  there; shorter ones at the same position are not tried). */
  find(text: string, out: Range[], accept?: (start: number, end: number) => boolean): void {
    if (this.literals.size === 0 || text.length === 0) return;
    this.each(text, (start, end) => { if (!accept || accept(start, end)) out.push([start, end]); return false; });
  }

  /** Whether any literal occurs (with `accept`'s say). */
  test(text: string, accept?: (start: number, end: number) => boolean): boolean {
    if (this.literals.size === 0 || text.length === 0) return false;
    return this.each(text, (start, end) => !accept || accept(start, end));
  }

  /** Each occurrence (per position, the longest literal of each kind that starts there) until `hit` says stop. */
  private each(text: string, hit: Hit): boolean {
    const plan = this.planned();
    if (plan.skip?.scan(text, hit)) return true;
    if (plan.short.length <= FEW) {
      for (const lit of plan.short) {
        for (let i = text.indexOf(lit); i >= 0; i = text.indexOf(lit, i + 1)) if (hit(i, i + lit.length)) return true;
      }
      return false;
    }
    for (const re of plan.groups!) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (hit(m.index, m.index + m[0].length)) return true;
        re.lastIndex = m.index + 1;
      }
    }
    return false;
  }

  private planned(): { skip?: SkipScanner; short: string[]; groups?: RegExp[] } {
    if (this.plan) return this.plan;
    const all = [...this.literals];
    const skip = all.length >= MANY ? new SkipScanner(all) : undefined;
    const short = skip ? all.filter((l) => l.length < MIN) : all;
    const groups: RegExp[] = [];
    if (short.length > FEW) {
      const sorted = short.sort((a, b) => b.length - a.length);
      for (let i = 0; i < sorted.length; i += GROUP) groups.push(new RegExp(sorted.slice(i, i + GROUP).map(escape).join('|'), 'g'));
    }
    this.plan = { ...(skip ? { skip } : {}), short, ...(groups.length ? { groups } : {}) };
    return this.plan;
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
