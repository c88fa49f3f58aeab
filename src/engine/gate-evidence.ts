// Which earlier steps a gate acts on, so the screen shows their results beside the question (not merely the
// latest result, which may be an unrelated check). The step names them (`evidence:`); else they are the steps
// whose captures (or `steps.<id>`) its action reads: SQL params, script, env, cwd, probe fields, for_each.
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { parseExpression, parseTemplate, references, type Node } from '../language/expression/index.js';
import { stepSites } from '../language/sites.js';

/** Paths of a step's own sites that decide what it does (not its title, question or next branches). */
const ACTION = /^\/(shell|sql|with|for_each|runbook|wait\/(shell|sql|with))(\/|$)/;

export function gateEvidence(doc: RunbookDoc, step: StepDoc): string[] {
  if (step.evidence?.length) return [...step.evidence];
  const byCapture = new Map(doc.steps.filter((s) => s.capture).map((s) => [s.capture!, s.id]));
  const ids = new Set(doc.steps.map((s) => s.id));
  const out: string[] = [];
  const add = (id: string | undefined) => { if (id && id !== step.id && !out.includes(id)) out.push(id); };
  for (const site of stepSites(step, '')) {
    if (!ACTION.test(site.path)) continue;
    for (const node of nodesOf(site.text, site.kind)) {
      for (const r of references(node)) {
        if (r.root === 'steps' && r.member && ids.has(r.member)) add(r.member);
        else add(byCapture.get(r.root));
      }
    }
  }
  return out;
}

function nodesOf(text: string, kind: 'expression' | 'template'): Node[] {
  try {
    if (kind === 'expression') return [parseExpression(text)];
    return parseTemplate(text).flatMap((p) => (p.kind === 'expr' ? [p.node] : []));
  } catch {
    return []; // the validator reports it; a gate shows what it can
  }
}
