// A prompt's pattern in words, for the operator who gave an answer that does not fit: "a whole number", not
// "[0-9]+". Covers what prompt patterns are made of (literals, character classes, groups of alternatives,
// quantifiers); anything else (look-arounds, back-references, anchors inside) gives undefined and the caller
// says so without the regex. A prompt's own `expected` text, when given, is used instead.

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'class'; one: string; many: string }
  | { kind: 'alt'; options: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

const CLASSES: Record<string, [string, string]> = {
  '0-9': ['a digit', 'digits'], '\\d': ['a digit', 'digits'],
  'a-z': ['a lower-case letter', 'lower-case letters'], 'A-Z': ['a capital letter', 'capital letters'],
  'a-zA-Z': ['a letter', 'letters'], 'A-Za-z': ['a letter', 'letters'],
  'a-z0-9': ['a lower-case letter or digit', 'lower-case letters and digits'],
  'a-zA-Z0-9': ['a letter or digit', 'letters and digits'], 'A-Za-z0-9': ['a letter or digit', 'letters and digits'],
  '\\w': ['a letter, digit or _', 'letters, digits and _'], '\\s': ['a space', 'spaces'],
};

/** What a prompt expects, in words: its `expected` text, else its pattern read out, else the pattern itself
 *  (beyond this reader; `runbook validate` suggests an `expected` for it). */
export function expectedAnswer(p: { pattern?: string; expected?: string }): string | undefined {
  if (p.expected !== undefined) return p.expected;
  if (p.pattern === undefined) return undefined;
  return patternWords(p.pattern) ?? `text matching the pattern ${p.pattern}`;
}

/** The pattern (matched against the whole answer) in words, or undefined when it is beyond this reader. */
export function patternWords(pattern: string): string | undefined {
  try {
    const p = new Parser(pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, ''));
    const seq = p.alt();
    if (!p.done()) return undefined;
    const whole = seq.kind === 'alt' && seq.options.length === 1 ? seq.options[0]! : [seq];
    return words(whole);
  } catch {
    return undefined;
  }
}

/** (\.[0-9]+)? */
const isDecimals = (n: Node) => n.kind === 'repeat' && n.min === 0 && n.max === 1 && n.node.kind === 'alt' && n.node.options.length === 1
  && n.node.options[0]!.length === 2 && n.node.options[0]![0]!.kind === 'text' && (n.node.options[0]![0] as { text: string }).text === '.'
  && isDigits(n.node.options[0]![1]!);
const isDigits = (n: Node) => n.kind === 'repeat' && n.min === 1 && n.max === Infinity && n.node.kind === 'class' && n.node.one === 'a digit';

function words(seq: Node[]): string {
  if (!seq.length) return 'nothing';
  if (seq.length === 1 && isDigits(seq[0]!)) return 'a whole number (digits only)';
  if (seq.length === 2 && isDigits(seq[0]!) && isDecimals(seq[1]!)) return 'a number (digits, with or without a decimal part such as .5)';
  return seq.map(word).join(', then ');
}

function word(n: Node): string {
  switch (n.kind) {
    case 'text': return `'${n.text}'`;
    case 'class': return n.one;
    case 'alt': {
      const parts = n.options.map(words);
      const empty = parts.indexOf('nothing');
      const rest = parts.filter((_, i) => i !== empty);
      const list = rest.length > 1 ? `${rest.slice(0, -1).join(', ')} or ${rest[rest.length - 1]}` : rest[0] ?? 'nothing';
      const which = rest.length > 2 ? `one of ${list}` : list;
      return empty < 0 ? which : `nothing, or${which.includes(', then') ? ':' : ''} ${which}`;
    }
    case 'repeat': {
      const inner = n.node;
      if (inner.kind === 'text' && inner.text === ANY) return n.min === 0 ? 'any text, or nothing' : 'any text';
      if (n.min === 0 && n.max === 1) return inner.kind === 'alt' ? `optionally (${word(inner)})` : `optionally ${word(inner)}`;
      const open = n.max === Infinity;
      if (inner.kind === 'class') {
        const count = n.min === n.max ? `${n.min} ` : open ? (n.min === 0 ? 'any number of ' : n.min === 1 ? '' : `at least ${n.min} `) : `${n.min} to ${n.max} `;
        return `${count}${inner.many}`;
      }
      const times = n.min === n.max ? `${n.min} times` : open ? (n.min === 0 ? 'any number of times' : n.min === 1 ? 'one or more times' : `at least ${n.min} times`) : `${n.min} to ${n.max} times`;
      return `(${word(inner)}) ${times}`;
    }
  }
}

const ANY = '\u0000any';

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}
  done(): boolean { return this.i >= this.s.length; }

  alt(): Node {
    const options: Node[][] = [this.seq()];
    while (this.s[this.i] === '|') { this.i++; options.push(this.seq()); }
    return { kind: 'alt', options };
  }

  private seq(): Node[] {
    const out: Node[] = [];
    while (!this.done() && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const node = this.quantified(this.atom());
      const last = out[out.length - 1];
      if (node.kind === 'text' && node.text !== ANY && last?.kind === 'text' && last.text !== ANY) last.text += node.text;
      else out.push(node);
    }
    return out;
  }

  private atom(): Node {
    const c = this.s[this.i++]!;
    if (c === '(') {
      if (this.s.startsWith('?:', this.i)) this.i += 2;
      else if (this.s[this.i] === '?') throw new Error('look-around');
      const inner = this.alt();
      if (this.s[this.i++] !== ')') throw new Error('unclosed group');
      return inner.kind === 'alt' && inner.options.length === 1 && inner.options[0]!.length === 1 ? inner.options[0]![0]! : inner;
    }
    if (c === '[') {
      const end = this.s.indexOf(']', this.i + 1);
      if (end < 0 || this.s[this.i] === '^') throw new Error('class');
      const body = this.s.slice(this.i, end);
      this.i = end + 1;
      const known = CLASSES[body];
      return known ? { kind: 'class', one: known[0], many: known[1] } : { kind: 'class', one: `one of the characters ${body}`, many: `characters from ${body}` };
    }
    if (c === '.') return { kind: 'text', text: ANY };
    if (c === '\\') {
      const e = this.s[this.i++];
      if (e === undefined) throw new Error('escape');
      const known = CLASSES[`\\${e}`];
      if (known) return { kind: 'class', one: known[0], many: known[1] };
      if (/[a-zA-Z0-9]/.test(e)) throw new Error('escape class');
      return { kind: 'text', text: e };
    }
    if ('*+?{^$'.includes(c)) throw new Error('operator');
    return { kind: 'text', text: c };
  }

  private quantified(node: Node): Node {
    const c = this.s[this.i];
    let min: number;
    let max: number;
    if (c === '+') [min, max] = [1, Infinity];
    else if (c === '*') [min, max] = [0, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) throw new Error('brace');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    return { kind: 'repeat', node, min, max };
  }
}
