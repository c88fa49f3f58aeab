// Templates filled in from the run's data. Shell text never receives a value: each ${{ }} becomes a
// quoted positional parameter ("$1") and the value travels separately as an argument.
import { evaluate, parseTemplate, templateString, parseExpression, truthy, type Scope } from '../language/expression/index.js';

export function renderTemplate(text: string, scope: Scope): string {
  return parseTemplate(text).map((p) => (p.kind === 'text' ? p.text : templateString(evaluate(p.node, scope)))).join('');
}

/** A template that is exactly one ${{ }} keeps the value's type (numbers stay numbers for SQL params). */
export function renderValue(text: string, scope: Scope): unknown {
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0]?.kind === 'expr') return evaluate(parts[0].node, scope);
  return renderTemplate(text, scope);
}

export interface RenderedShell { script: string; args: string[]; display: string }

export function renderShell(text: string, scope: Scope, argOffset = 0): RenderedShell {
  const args: string[] = [];
  let script = '', display = '';
  for (const p of parseTemplate(text)) {
    if (p.kind === 'text') { script += p.text; display += p.text; continue; }
    const value = templateString(evaluate(p.node, scope));
    args.push(value);
    script += `"\${${argOffset + args.length}}"`;
    display += shellQuote(value);
  }
  return { script, args, display };
}

export function shellQuote(v: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(v)) return v;
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function test(expression: string, scope: Scope): { value: boolean; raw: unknown } {
  const raw = evaluate(parseExpression(expression), scope);
  return { value: truthy(raw), raw };
}
