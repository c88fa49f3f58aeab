import { ExpressionError } from './ast.js';

export type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '.', '[', ']', '(', ')', ',', '?', ':'];
const WORD_OPS = new Map([['and', '&&'], ['or', '||'], ['not', '!']]);

// Sticky (`y`) patterns read at an offset without slicing the text: slicing at every token made tokenizing
// quadratic in garbage, the largest cost of validating a long runbook (issue #32).
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;
const NAME = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const SPACE = /\s/;

function readAt(re: RegExp, src: string, i: number): string {
  re.lastIndex = i;
  return re.exec(src)?.[0] ?? src[i]!;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const code = src.charCodeAt(i);
    if (code === 32 || (code < 128 ? code >= 9 && code <= 13 : SPACE.test(c))) { i++; continue; }
    if (code >= 48 && code <= 57) {
      const m = readAt(NUMBER, src, i);
      out.push({ kind: 'num', value: Number(m), pos: i }); i += m.length; continue;
    }
    if (c === '"' || c === "'") { const t = readString(src, i); out.push(t.token); i = t.end; continue; }
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || c === '_' || c === '$') {
      const m = readAt(NAME, src, i);
      const op = WORD_OPS.get(m);
      out.push(op ? { kind: 'op', value: op, pos: i } : { kind: 'ident', value: m, pos: i });
      i += m.length; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character '${c}'`, i);
    out.push({ kind: 'op', value: op === '===' ? '==' : op === '!==' ? '!=' : op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', pos: src.length });
  return out;
}

/** The only escapes in a string: newline, tab, and the characters that would otherwise end or start one. */
const ESCAPES = new Map([['n', '\n'], ['t', '\t'], ['\\', '\\'], ["'", "'"], ['"', '"']]);

function unknownEscape(n: string, quote: string): string {
  if (n === '') return 'unterminated string';
  return `unknown escape '\\${n}' in a string (escapes are \\n, \\t, \\\\, \\' and \\"): to keep the backslash, as a `
    + `pattern after matches needs it, write it twice: ${quote}\\\\${n}${quote}`;
}

function readString(src: string, start: number): { token: Token; end: number } {
  const quote = src[start];
  let value = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === quote) return { token: { kind: 'str', value, pos: start }, end: i + 1 };
    if (c === '\\') {
      const n = src[++i] ?? '';
      const known = ESCAPES.get(n);
      // A backslash never disappears: `'^\d+$'` once read as `^d+$` and matched nothing.
      if (known === undefined) throw new ExpressionError(unknownEscape(n, quote!), n === '' ? start : i - 1);
      value += known;
      continue;
    }
    value += c;
  }
  throw new ExpressionError('unterminated string', start);
}
