// Templates filled in from the run's data. Shell text never receives a value: each ${{ }} becomes a
// reference to a shell variable ("${RUNBOOK_V1}", quoted to suit where it stands) and the value travels
// separately, on the script's stdin (executors/shell-values.ts), never on a command line.
import { evaluate, parseTemplate, templateString, parseExpression, truthy, type Scope } from '../language/expression/index.js';
import { HOLE, holeContexts } from '../language/shell-holes.js';
import { valueVar } from '../executors/shell-values.js';

export function renderTemplate(text: string, scope: Scope): string {
  return parseTemplate(text).map((p) => (p.kind === 'text' ? p.text : templateString(evaluate(p.node, scope)))).join('');
}

/** A template that is exactly one ${{ }} keeps the value's type (numbers stay numbers for SQL params). */
export function renderValue(text: string, scope: Scope): unknown {
  const parts = parseTemplate(text);
  if (parts.length === 1 && parts[0]?.kind === 'expr') return evaluate(parts[0].node, scope);
  return renderTemplate(text, scope);
}

export interface RenderedShell { script: string; values: string[]; display: string }

export function renderShell(text: string, scope: Scope): RenderedShell {
  const values: string[] = [];
  let script = '', display = '';
  const parts = parseTemplate(text);
  // Each reference suits where the hole stands (language/shell-holes.ts): "${V}" outside quotes, ${V} inside
  // "…" or a here-document, '"${V}"' inside '…'. Quoting it blindly would unquote it inside "…".
  const contexts = holeContexts(parts.map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join(''));
  const holes = parts.filter((p) => p.kind === 'expr').length;
  for (const p of parts) {
    if (p.kind === 'text') { script += p.text; display += p.text; continue; }
    const value = templateString(evaluate(p.node, scope));
    values.push(value);
    const ref = `\${${valueVar(values.length)}}`;
    const where = contexts.length === holes ? contexts[values.length - 1] : 'word';
    if (where === 'double' || where === 'heredoc') {
      script += ref;
      display += where === 'double' ? value.replace(/[\\"$`]/g, '\\$&') : value;
    } else if (where === 'single' || where === 'ansi') {
      script += `'"${ref}"${where === 'ansi' ? "$'" : "'"}`;
      display += where === 'ansi' ? value.replace(/[\\']/g, '\\$&') : value.replace(/'/g, `'\\''`);
    } else {
      script += `"${ref}"`;
      display += shellQuote(value);
    }
  }
  return { script, values, display };
}

export function shellQuote(v: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(v)) return v;
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function test(expression: string, scope: Scope): { value: boolean; raw: unknown } {
  const raw = evaluate(parseExpression(expression), scope);
  return { value: truthy(raw), raw };
}

/** A step's title with its templates filled in, on one line (a value may carry newlines); the raw text when they
 *  cannot be filled in (a title must never fail a step). */
export function renderTitle(title: string | undefined, fallback: string, scope: Scope): string {
  if (title === undefined) return fallback;
  try { return renderTemplate(title, scope).replace(/\s*\n\s*/g, ' '); } catch { return title; }
}
