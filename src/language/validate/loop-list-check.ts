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
