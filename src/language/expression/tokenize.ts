import { ExpressionError } from './ast.js';

export type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '.', '[', ']', '(', ')', ',', '?', ':'];
const WORD_OPS = new Map([['and', '&&'], ['or', '||'], ['not', '!']]);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))?.[0] ?? c;
      out.push({ kind: 'num', value: Number(m), pos: i }); i += m.length; continue;
    }
    if (c === '"' || c === "'") { const t = readString(src, i); out.push(t.token); i = t.end; continue; }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))?.[0] ?? c;
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
