// Which characters can stand next to which in a set of forms: every three characters in a row (code units) of
// every form, with the first one and the first two of each such three. A spaced-out run is read further only
// while its characters could still be (part of) a form (secrets/spaced.ts), so text that is all separators and
// separator-like characters (`=====`, `+---+---+`) costs a look at its first characters, not a reading of every
// way it could be spaced. Kept as bits of a hash: a collision only has a reading looked at that need not be (it
// finds no form), and a lookup allocates nothing.

const BITS = 20;
const MASK = (1 << BITS) - 1;
const h2 = (a: number, b: number): number => (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> (32 - BITS);
const h3 = (a: number, b: number, c: number): number => ((Math.imul(h2(a, b), 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f)) >>> (32 - BITS)) & MASK;

export class Grams {
  private readonly firsts = new Uint8Array(0x10000);
  private readonly pairs = new Uint32Array(1 << (BITS - 5));
  private readonly triples = new Uint32Array(1 << (BITS - 5));

  /** Forms shorter than three characters have no three in a row: no spaced run is read for them. */
  constructor(forms: Iterable<string>) {
    for (const f of forms) {
      for (let i = 0; i + 3 <= f.length; i++) {
        const a = f.charCodeAt(i), b = f.charCodeAt(i + 1), c = f.charCodeAt(i + 2);
        this.firsts[a] = 1;
        set(this.pairs, h2(a, b));
        set(this.triples, h3(a, b, c));
      }
    }
  }

  /** Whether three characters in a row of some form may start with `a`. */
  first(a: number): boolean { return this.firsts[a] === 1; }
  /** … with `a` and `b`. */
  pair(a: number, b: number): boolean { return get(this.pairs, h2(a, b)); }
  /** Whether `a`, `b`, `c` may stand in a row in some form (never false when they do). */
  triple(a: number, b: number, c: number): boolean { return get(this.triples, h3(a, b, c)); }
}

const set = (bits: Uint32Array, h: number): void => { bits[h >>> 5]! |= 1 << (h & 31); };
const get = (bits: Uint32Array, h: number): boolean => (bits[h >>> 5]! & (1 << (h & 31))) !== 0;
