// A step's result is a record, read through its fields: `check.output == 'ok'`, `find.rowCount > 0`. These slips
// went through validate and failed in silence at run time, where they decide a route:
// - the whole record where a value belongs (`check == 'ok'`, `out matches '^\\d+$'`, `out > 3`): never equal, never
//   matching, so `if: check != 'error'` holds every time and can route to `resolved` when nothing works;
// - a field the result never has (`check.outptu`, `find.output` of an SQL step): null, or '' for output;
// - a status or classification no result holds (`c.status == 'success'`, 'too_many_connections');
// - stdout compared with a text that ends no line (stdout keeps the newline: a warning, printf matches).
// They are located errors (the last a warning) now. Comparing with null (`steps.x != null`: did it run?) and passing the record on whole
// (json(out), a template showing it, `if: out`) stay as they are.
import { CLASSIFICATIONS, type RunbookDoc, type StepDoc, type StepKind } from '../schema.js';
import { STEP_STATUSES } from '../../common/classification.js';
import type { Node } from '../expression/index.js';
import { stepKind } from '../flow.js';
import type { Site } from '../sites.js';
import { didYouMean } from '../suggest.js';

/** Every result has these (a skipped or dry-run result carries `value`, a dry run `details`). */
const ANY_KIND = ['status', 'ok', 'durationMs', 'classification', 'error', 'truncated', 'items', 'value', 'details', 'withheld'];
const SHELL = ['exitCode', 'signal', 'stdout', 'stderr', 'output', 'outputBytes'];
const SQL = ['rows', 'rowCount', 'rowsOmitted', 'bytesOmitted', 'columns'];
const BY_KIND: Record<Exclude<StepKind, 'end'>, string[]> = {
  shell: SHELL, sql: SQL, probe: [], manual: [], prompt: [], vars: ['vars'],
  runbook: ['outputs', 'stdout', 'output'], // stdout: the called runbook's end message (engine/called-run.ts)
  wait: [...SHELL, ...SQL], // the last poll's result, of whichever kind the wait polls
};
/** Every field a result can have (executors/types.ts StepResult, and `output`/`ok` the engine adds):
 *  test/language/result-shape.test.ts holds it to the transcript's StepResultSchema. */
export const RESULT_FIELDS: readonly string[] = [...new Set([...ANY_KIND, ...Object.values(BY_KIND).flat()])];

/** The field to compare instead of the whole record, by kind. */
const SUGGESTED: Record<Exclude<StepKind, 'end'>, string> = {
  shell: 'output', sql: 'rowCount', probe: 'classification', manual: 'value', prompt: 'value', vars: 'vars.<name>', runbook: 'value', wait: 'ok',
};

/** Operators and functions that read a value (text, number, list), never a whole record. */
const VALUE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in', 'contains', 'matches']);
const RECORD_OK_FUNCTIONS = new Set(['json', 'string', 'default', 'engine']);

interface Ref { name: string; step: StepDoc }
export type ShapeProblem = { code: string; message: string; pos: number; severity?: 'warning' };

/** The check, made once per runbook: what is wrong in one parsed expression of a site (positions in the
 *  expression; expression-check.ts, which parsed it, reports them at the source's column). */
export function resultShapeCheck(doc: RunbookDoc): (site: Site, node: Node) => ShapeProblem[] {
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const byCapture = new Map(doc.steps.flatMap((s) => (s.capture === undefined ? [] : [[s.capture, s] as const])));
  return (site, node) => {
    const own = /^\/steps\/(\d+)\//.exec(site.path);
    const self = own ? doc.steps[Number(own[1])] : undefined;
    return problems(node, (n) => resultRef(n, site, byId, byCapture, self));
  };
}

/** The step whose whole result `node` is: a capture name, steps.<id> / steps['<id>'], or `result`. */
function resultRef(node: Node, site: Site, byId: Map<string, StepDoc>, byCapture: Map<string, StepDoc>, self: StepDoc | undefined): Ref | undefined {
  if (node.type === 'ident') {
    if (node.name === site.item) return undefined; // a loop's item shadows a capture of that name
    if (node.name === 'result' && site.withResult && self) return { name: 'result', step: self };
    const step = byCapture.get(node.name);
    return step ? { name: node.name, step } : undefined;
  }
  if (node.type === 'member' && node.object.type === 'ident' && node.object.name === 'steps' && node.property.type === 'literal' && typeof node.property.value === 'string') {
    const step = byId.get(node.property.value);
    return step ? { name: node.computed ? `steps['${step.id}']` : `steps.${step.id}`, step } : undefined;
  }
  return undefined;
}

function problems(node: Node, refOf: (n: Node) => Ref | undefined, out: ShapeProblem[] = []): ShapeProblem[] {
  const whole = (operand: Node, other?: Node): void => {
    const ref = refOf(operand);
    if (!ref || (other?.type === 'literal' && other.value === null)) return;
    const kind = kindOf(ref.step);
    out.push({ code: 'whole-result', pos: operand.pos, message: `${ref.name} is the whole result of step '${ref.step.id}' (a record), which never equals, matches or counts as a value: `
      + `compare one of its fields, e.g. ${ref.name}.${kind ? SUGGESTED[kind] : 'output'}` });
  };
  switch (node.type) {
    case 'member': {
      const ref = refOf(node.object);
      if (ref && node.property.type === 'literal' && typeof node.property.value === 'string') {
        const p = unknownField(ref, node.property.value, node.property.pos);
        if (p) out.push(p);
      }
      problems(node.object, refOf, out);
      if (node.computed) problems(node.property, refOf, out);
      break;
    }
    case 'binary':
      if (VALUE_OPS.has(node.op)) { whole(node.left, node.right); whole(node.right, node.left); }
      rawOutput(node, refOf, out);
      unknownWord(node, refOf, out);
      problems(node.left, refOf, out); problems(node.right, refOf, out);
      break;
    case 'unary': if (node.op === '-') whole(node.arg); problems(node.arg, refOf, out); break;
    case 'call':
      if (!RECORD_OK_FUNCTIONS.has(node.callee)) node.args.forEach((a) => whole(a));
      node.args.forEach((a) => problems(a, refOf, out));
      break;
    case 'logical': problems(node.left, refOf, out); problems(node.right, refOf, out); break;
    case 'conditional': problems(node.test, refOf, out); problems(node.then, refOf, out); problems(node.else, refOf, out); break;
    case 'array': node.items.forEach((i) => problems(i, refOf, out)); break;
    default: break;
  }
  return out;
}

/** `out.stdout == 'ok'`, `out.stdout matches '^ok$'`: stdout keeps the command's final newline, so a command that
 *  prints `ok` and a line end never equals nor matches it; `output` is stdout without trailing whitespace. A
 *  warning: a command that prints no newline (printf) does match. */
function rawOutput(node: Extract<Node, { type: 'binary' }>, refOf: (n: Node) => Ref | undefined, out: ShapeProblem[]): void {
  if (!['==', '!=', 'matches'].includes(node.op)) return;
  for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
    if (side.type !== 'member' || side.property.type !== 'literal' || !['stdout', 'stderr'].includes(String(side.property.value))) continue;
    const ref = refOf(side.object);
    const text = other.type === 'literal' && typeof other.value === 'string' ? other.value : undefined;
    if (!ref || text === undefined || text === '' || text.endsWith('\n') || (node.op === 'matches' && !text.endsWith('$'))) continue;
    const field = String(side.property.value);
    out.push({ code: 'raw-output', severity: 'warning', pos: side.property.pos, message: `${ref.name}.${field} keeps the command's final newline, so '${text}' `
      + `${node.op === 'matches' ? 'matches' : 'equals'} it only when nothing ends the line: compare `
      + (field === 'stdout' ? `${ref.name}.output (stdout without trailing whitespace)` : `trim(${ref.name}.stderr)`) });
  }
}

/** The words a result's status and classification can hold: comparing with another (`c.status == 'success'`,
 *  `c.classification == 'too_many_connections'`) never holds. Checked for ==, != and `in [ … ]`. */
const WORDS: Record<string, readonly string[]> = { status: STEP_STATUSES, classification: CLASSIFICATIONS };

function unknownWord(node: Extract<Node, { type: 'binary' }>, refOf: (n: Node) => Ref | undefined, out: ShapeProblem[]): void {
  const pairs: [Node, Node[]][] = node.op === '==' || node.op === '!=' ? [[node.left, [node.right]], [node.right, [node.left]]]
    : node.op === 'in' && node.right.type === 'array' ? [[node.left, node.right.items]] : [];
  for (const [side, others] of pairs) {
    if (side.type !== 'member' || side.property.type !== 'literal' || !refOf(side.object)) continue;
    const field = String(side.property.value);
    const words = WORDS[field];
    if (!words) continue;
    for (const o of others) {
      if (o.type !== 'literal' || typeof o.value !== 'string' || words.includes(o.value)) continue;
      out.push({ code: `unknown-${field}`, pos: o.pos, message: `'${o.value}' is not a ${field} a result can have, so this ${node.op === '!=' ? 'always' : 'never'} holds${didYouMean(o.value, words)} (${field === 'status' ? words.join(', ') : 'docs/reference.md lists the classifications'})` });
    }
  }
}

function kindOf(step: StepDoc): Exclude<StepKind, 'end'> | undefined {
  const kind = stepKind(step);
  return kind === 'end' ? undefined : kind;
}

function unknownField(ref: Ref, field: string, pos: number): ShapeProblem | undefined {
  const kind = kindOf(ref.step);
  const fields = kind ? [...ANY_KIND, ...BY_KIND[kind]] : RESULT_FIELDS;
  if (fields.includes(field)) return undefined;
  const what = kind ? `a ${kind} step's result` : 'a step result';
  const elsewhere = RESULT_FIELDS.includes(field) ? ` ('${field}' is another kind's)` : '';
  return { code: 'unknown-field', pos, message: `${ref.name}.${field}: ${what} has no field '${field}'${elsewhere}, so it reads null (its fields: ${fields.join(', ')})${didYouMean(field, fields)}` };
}
