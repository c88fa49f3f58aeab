// A command's options read the way its own parser (getopt_long, Go's pflag) reads them, against the options
// reviewed for it: an option is proven only when it is listed in its full spelling. GNU tools also accept any
// unambiguous prefix of a long option (`sort --ou=F` is `--output`): a prefix is not listed, so it is not
// proven. Short letters are split by getopt's rules (`-iS…`: a letter that takes a value takes the rest of the
// word), and a listed option that takes a value binds the next word, so that word is never an operand or a verb.
import { DYNAMIC, HOLE, holdsValue, type Word } from '../shell-words.js';

/** Why a command is not read-only: it acts (`looks`: what), or the lint cannot tell (`unknown`: why, a phrase);
 *  undefined: it only reads. */
export type ReadOnlyFinding = { looks: string } | { unknown: string } | undefined;

/** The options reviewed for one command. Long names are written without their dashes; a name ending in '='
 *  takes a value (`--name V` or `--name=V`), one ending in '[=]' an optional one (only `--name=V`). */
export interface Options {
  /** Short letters that take no value. */
  flags?: string;
  /** Short letters that take a value (the rest of the word, or the next word). */
  valued?: string;
  /** Short letters that take an optional value: only the rest of the word (getopt's `n::`); the next word is not it. */
  optional?: string;
  /** Long options (see above), space-separated. */
  long?: string;
  /** `-NUM` as a count (`head -20`). */
  numeric?: boolean;
  /** Every option of the command only reads (checked against its manual): a word that becomes an option at run
   *  time (`cat $x`) still reads, so such words need not be placed after `--`. */
  anyOptionReads?: boolean;
  /** Options end at the first operand (POSIX order; find, ip, env, the wrappers) instead of anywhere (GNU). */
  inOrder?: boolean;
  /** Options with one dash and a long name (`find -maxdepth 1`, `openssl x509 -noout`): `long` names them. */
  singleDash?: boolean;
  /** Words starting with `+` are options too (lsof's `+M`, `+D`), wherever they stand: none is reviewed, and a
   *  value that may start with one is not proven. */
  plusOptions?: boolean;
}

export interface ParsedOptions {
  options: { name: string; value?: Word; word: Word }[];
  operands: Word[];
}

/** Whether bash may turn the word into text starting with '-' (an option): a value or a pattern at its start. */
export function mayBeOption(w: Word): boolean {
  if (w.text.startsWith('-')) return true;
  const c = w.text[0] ?? '';
  return (w.dynamic && (c === DYNAMIC || c === HOLE)) || (w.pattern && /[*?[{]/.test(c));
}

const cache = new WeakMap<Options, { bare: Set<string>; valued: Set<string>; optional: Set<string> }>();
function longNames(spec: Options) {
  let names = cache.get(spec);
  if (!names) {
    names = { bare: new Set(), valued: new Set(), optional: new Set() };
    for (const n of (spec.long ?? '').split(/\s+/).filter(Boolean)) {
      if (n.endsWith('[=]')) names.optional.add(n.slice(0, -3));
      else if (n.endsWith('=')) names.valued.add(n.slice(0, -1));
      else names.bare.add(n);
    }
    cache.set(spec, names);
  }
  return names;
}

const notReviewed = (name: string, option: string): ReadOnlyFinding =>
  ({ unknown: `'${name} ${shownWord(option)}': not an option reviewed for ${name} (only the full spelling of a listed option is proven to read)` });

/** The options and operands of `args` for `name`, or why they are not proven. */
export function parseOptions(name: string, args: Word[], spec: Options): ParsedOptions | { finding: ReadOnlyFinding } {
  const out: ParsedOptions = { options: [], operands: [] };
  const names = longNames(spec);
  // An unquoted expansion (`http://$x`, `-u $user`) may split into several words, options among them.
  const split = spec.anyOptionReads ? undefined : args.find((w) => w.splits);
  if (split) return { finding: { unknown: `'${name} ${shownWord(split.text)}': an unquoted value bash may split into several words, options among them (quote it)` } };
  // Any word, a value of an option included (lsof reads `-i +D` as -i, then +D).
  const plus = spec.plusOptions ? args.find((w) => w.text.startsWith('+') || (w.dynamic && mayBeOption(w))) : undefined;
  if (plus) {
    return { finding: plus.text.startsWith('+') ? notReviewed(name, plus.text) : { unknown: `'${name} ${shownWord(plus.text)}': a value that may become a '+' or '-' option of ${name} at run time` } };
  }
  let ended = false;
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    const t = w.text;
    if (ended) { out.operands.push(w); continue; }
    if (t === '--' && !w.dynamic) { ended = true; continue; }
    if (t === '-' || !t.startsWith('-')) {
      if (mayBeOption(w) && !spec.anyOptionReads) {
        return { finding: { unknown: `'${name} ${shownWord(t)}': a value or pattern that may become an option of ${name} at run time (put operands after '--')` } };
      }
      out.operands.push(w);
      if (spec.inOrder) ended = true;
      continue;
    }
    // From here the word starts with a literal '-'.
    const long = t.startsWith('--') ? t.slice(2) : spec.singleDash ? t.slice(1) : undefined;
    if (long !== undefined && (t.startsWith('--') || names.bare.has(long.split('=')[0]!) || names.valued.has(long.split('=')[0]!) || names.optional.has(long.split('=')[0]!))) {
      const eq = long.indexOf('=');
      const option = eq < 0 ? long : long.slice(0, eq);
      if (holdsValue(option)) return { finding: notReviewed(name, t) };
      if (names.valued.has(option)) {
        const value = eq >= 0 ? { ...w, text: long.slice(eq + 1) } : args[++k];
        out.options.push({ name: option, word: w, ...(value ? { value } : {}) });
      } else if (names.optional.has(option)) {
        out.options.push({ name: option, word: w, ...(eq >= 0 ? { value: { ...w, text: long.slice(eq + 1) } } : {}) });
      } else if (names.bare.has(option) && eq < 0) {
        out.options.push({ name: option, word: w });
      } else return { finding: notReviewed(name, t) };
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(t)) { out.options.push({ name: t.slice(1), word: w }); continue; }
    for (let c = 1; c < t.length; c++) {
      const letter = t[c]!;
      if (spec.flags?.includes(letter) && letter !== DYNAMIC && letter !== HOLE) { out.options.push({ name: letter, word: w }); continue; }
      if (spec.valued?.includes(letter) && letter !== DYNAMIC && letter !== HOLE) {
        const value = c + 1 < t.length ? { ...w, text: t.slice(c + 1) } : args[++k];
        out.options.push({ name: letter, word: w, ...(value ? { value } : {}) });
        break;
      }
      if (spec.optional?.includes(letter) && letter !== DYNAMIC && letter !== HOLE) {
        out.options.push({ name: letter, word: w, ...(c + 1 < t.length ? { value: { ...w, text: t.slice(c + 1) } } : {}) });
        break;
      }
      return { finding: notReviewed(name, c === 1 ? t : `-${letter} (in ${t})`) };
    }
  }
  return out;
}

/** The value of the first option named one of `names`, if given. */
export const optionValue = (parsed: ParsedOptions, ...names: string[]): Word | undefined =>
  parsed.options.find((o) => names.includes(o.name))?.value;

export const has = (parsed: ParsedOptions, ...names: string[]): boolean => parsed.options.some((o) => names.includes(o.name));

export const shownWord = (t: string) => t.replaceAll(DYNAMIC, '$…').replaceAll(HOLE, '${{ }}').replace(/\s+/g, ' ').trim().slice(0, 40);
