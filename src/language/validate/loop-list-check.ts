// A for_each whose `in` can never be a list fails every run at that step ("is a string, not a list"). What an
// expression gives is known before any run in the common cases: a literal, an input (inputs are text, numbers or
// booleans), a text field of a result (`.output`, `.stdout`), a count (`.rowCount`). Say so, with the function
// that makes the list.
import type { RunbookDoc } from '../schema.js';
import { parseExpression, type Node } from '../expression/index.js';
import { loopExpression } from '../sites.js';
import type { Reporter } from './context.js';

const TEXT_FIELDS = new Set(['output', 'stdout', 'stderr', 'error', 'value', 'classification', 'status']);
const NUMBER_FIELDS = new Set(['rowCount', 'exitCode', 'durationMs']);

export function checkLoopLists(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    if (!step.for_each) return;
    const text = loopExpression(step.for_each.in);
    let node: Node;
    try { node = parseExpression(text); } catch { return; } // a parse error has its own diagnostic
    const why = notAList(node, text);
    if (why) report.error('loop-not-a-list', `/steps/${i}/for_each/in`, `for_each.in of step '${step.id}' ${why}`);
  });
}

/** Why the expression's value is never a list, worded with the fix; undefined when it may be one. */
function notAList(node: Node, text: string): string | undefined {
  if (node.type === 'literal') {
    const hint = typeof node.value === 'string' ? `: for a list write [${node.value.split(/[\s,]+/).filter(Boolean).map((v) => `'${v}'`).join(', ')}] or split('${node.value}', ',')` : ': write a list, [a, b]';
    return `is ${node.value === null ? 'null' : `a ${typeof node.value}`} (${text.trim()}), never a list${hint}`;
  }
  const kind = kindOf(node);
  if (kind) return `is ${kind.what} (${text.trim()}), never a list${kind.fix}`;
  if (node.type !== 'member' || node.computed || node.property.type !== 'literal') return undefined;
  const field = String(node.property.value);
  if (node.object.type === 'ident' && node.object.name === 'inputs') {
    return `is the input '${field}', which is text (or a number), never a list: split it, e.g. split(inputs.${field}, ',') or lines(inputs.${field})`;
  }
  if (!isResult(node.object)) return undefined;
  if (TEXT_FIELDS.has(field)) return `is text (${text.trim()}), never a list: take its lines, lines(${text.trim()}), or split(${text.trim()}, ',')`;
  if (NUMBER_FIELDS.has(field)) return `is a number (${text.trim()}), never a list: loop over rows (e.g. ${text.trim().replace(/\.\w+$/, '.rows')})`;
  return undefined;
}

/** A step's result: a capture name, or steps.<id> (not vars.<name>, whose fields are values of any kind). */
function isResult(node: Node): boolean {
  if (node.type === 'ident') return !['inputs', 'vars', 'run', 'steps'].includes(node.name);
  return node.type === 'member' && !node.computed && node.object.type === 'ident' && node.object.name === 'steps';
}

/** Functions whose result is never a list, by what it is. */
const ROW_FUNCTIONS = new Set(['find', 'top']);
const NUMBER_FUNCTIONS = new Set(['length', 'number', 'min', 'max', 'round', 'sum']);
const TEXT_FUNCTIONS = new Set(['lower', 'upper', 'trim', 'string', 'join', 'json', 'engine']);
const BOOLEAN_FUNCTIONS = new Set(['startsWith', 'endsWith']);
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'matches']);

/** What an expression gives when that is known without running it and is never a list: a row (one element of a
 *  result's rows, find(), top()), a number, text or a boolean. */
function kindOf(node: Node): { what: string; fix: string } | undefined {
  const rows = (n: Node) => n.type === 'member' && !n.computed && n.property.type === 'literal' && n.property.value === 'rows' && isResult(n.object);
  if (node.type === 'member' && node.computed && rows(node.object)) {
    return { what: 'one row', fix: ': loop over the rows themselves (drop the index), or over a list made of this row\'s values' };
  }
  if (node.type === 'call') {
    if (ROW_FUNCTIONS.has(node.callee)) return { what: 'one row', fix: ': loop over the rows themselves' };
    if (NUMBER_FUNCTIONS.has(node.callee)) return { what: 'a number', fix: '' };
    if (TEXT_FUNCTIONS.has(node.callee)) return { what: 'text', fix: ': split it, e.g. split(…, \',\') or lines(…)' };
    if (BOOLEAN_FUNCTIONS.has(node.callee)) return { what: 'a boolean', fix: '' };
    return undefined;
  }
  if (node.type === 'binary') {
    if (COMPARISONS.has(node.op)) return { what: 'a boolean', fix: '' };
    if (node.op !== '+') return { what: 'a number', fix: '' };
  }
  if (node.type === 'unary') return node.op === '!' ? { what: 'a boolean', fix: '' } : { what: 'a number', fix: '' };
  return undefined;
}
