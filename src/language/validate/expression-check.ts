// Expressions and templates must parse and may only read names that exist.
import type { RunbookDoc } from '../schema.js';
import { ExpressionError, parseExpression, parseTemplate, references, FUNCTIONS, type Node } from '../expression/index.js';
import { runbookSites, type Site } from '../sites.js';
import { didYouMean } from '../suggest.js';
import type { Reporter } from './context.js';

export const RESERVED_ROOTS = ['inputs', 'steps', 'result'] as const;

export function checkExpressions(doc: RunbookDoc, report: Reporter): void {
  const inputs = Object.keys(doc.inputs ?? {});
  const stepIds = doc.steps.map((s) => s.id);
  const captures = doc.steps.map((s) => s.capture).filter((c): c is string => c !== undefined);
  doc.steps.forEach((s, i) => {
    if (s.capture && (RESERVED_ROOTS as readonly string[]).includes(s.capture)) {
      report.error('reserved-name', `/steps/${i}/capture`, `capture name '${s.capture}' is reserved (${RESERVED_ROOTS.join(', ')})`);
    }
  });
  const used = new Set<string>();
  for (const site of runbookSites(doc)) {
    for (const { node, offset } of parseSite(site, report)) {
      for (const ref of references(node)) {
        const problem = checkReference(ref.root, ref.member, site, { inputs, stepIds, captures });
        if (ref.root === 'inputs' && ref.member) used.add(ref.member);
        if (problem) report.at('error', problem.code, site.path, problem.message, 'value', columnShift(site, offset + ref.pos));
      }
    }
  }
  for (const name of inputs) {
    if (!used.has(name)) report.warn('unused-input', `/inputs/${name}`, `input '${name}' is declared but never used`, 'key');
  }
}

function parseSite(site: Site, report: Reporter): { node: Node; offset: number }[] {
  try {
    if (site.kind === 'expression') return [{ node: parseExpression(site.text), offset: 0 }];
    return parseTemplate(site.text).flatMap((p) => (p.kind === 'expr' ? [{ node: p.node, offset: p.offset }] : []));
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    report.at('error', 'expression', site.path, `${site.kind === 'template' ? 'template' : 'expression'} does not parse: ${e.message}`, 'value', columnShift(site, e.pos));
    return [];
  }
}

interface Names { inputs: string[]; stepIds: string[]; captures: string[] }

function checkReference(root: string, member: string | undefined, site: Site, names: Names): { code: string; message: string } | undefined {
  if (root === 'inputs') {
    if (member !== undefined && !names.inputs.includes(member)) {
      return { code: 'unknown-input', message: `input '${member}' is not declared${didYouMean(member, names.inputs)}${names.inputs.length ? '' : ' (declare it under inputs:)'}` };
    }
    return undefined;
  }
  if (root === 'steps') {
    if (member !== undefined && !names.stepIds.includes(member)) return { code: 'unknown-step', message: `unknown step '${member}'${didYouMean(member, names.stepIds)}` };
    return undefined;
  }
  if (root === 'result') {
    return site.withResult ? undefined : { code: 'unknown-name', message: `'result' is only available in next[].if and wait.until; use a capture name or steps.<id> here` };
  }
  if (names.captures.includes(root) || FUNCTIONS.has(root)) return undefined;
  const all = [...RESERVED_ROOTS, ...names.captures];
  return { code: 'unknown-name', message: `unknown name '${root}'${didYouMean(root, all)} (use inputs.<name>, steps.<id>, or a step's capture name)` };
}

/** Columns only line up for single-line plain scalars; elsewhere the value's start is the honest position. */
function columnShift(site: Site, pos: number): number {
  return site.text.includes('\n') ? 0 : Math.max(0, pos);
}
