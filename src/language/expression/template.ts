// Templates: text with ${{ expression }} holes. Parsed once; rendered by the engine.
import { ExpressionError, type Node } from './ast.js';
import { parseExpression } from './parse.js';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; node: Node; offset: number };

const OPEN = '${{';
const CLOSE = '}}';

/** Splits a template; throws ExpressionError with the offset in the template text. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf(OPEN, i);
    if (open < 0) { parts.push({ kind: 'text', text: text.slice(i) }); break; }
    if (open > i) parts.push({ kind: 'text', text: text.slice(i, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) throw new ExpressionError(`'${OPEN}' is never closed with '${CLOSE}': end the expression with '${CLOSE}' (${OPEN} inputs.name ${CLOSE})`, open);
    const source = text.slice(open + OPEN.length, close);
    const offset = open + OPEN.length;
    if (source.trim() === '') throw new ExpressionError(`empty '${OPEN} ${CLOSE}': put an expression in it (${OPEN} inputs.name ${CLOSE}) or remove it`, open);
    try {
      parts.push({ kind: 'expr', source: source.trim(), node: parseExpression(source), offset });
    } catch (e) {
      if (e instanceof ExpressionError) throw new ExpressionError(e.message, offset + e.pos);
      throw e;
    }
    i = close + CLOSE.length;
  }
  return parts;
}

export const hasTemplate = (text: string): boolean => text.includes(OPEN);

/** Text form of a value inside a template. */
export function templateString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
