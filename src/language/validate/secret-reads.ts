// What a template reads that is a secret, as validate can tell without running: a secret input, a secret step's
// result (by id or capture name). The run decides by taint (what a value came from); this is its early word.
import type { RunbookDoc } from '../schema.js';
import { parseTemplate, references, type Node } from '../expression/index.js';
import { own } from '../../common/own.js';

/** What one expression reads that is a secret, said for the author. */
export function secretReadsOf(doc: RunbookDoc, node: Node): string[] {
  const secretSteps = doc.steps.filter((s) => s.secret === true || s.prompt?.secret === true);
  const captures = new Map(secretSteps.flatMap((s) => (s.capture ? [[s.capture, s.id] as const] : [])));
  const ids = new Set(secretSteps.map((s) => s.id));
  const found: string[] = [];
  for (const r of references(node)) {
    if (r.root === 'inputs' && r.member !== undefined && own(doc.inputs, r.member)?.secret) found.push(`the secret input '${r.member}'`);
    else if (r.root === 'steps' && r.member !== undefined && ids.has(r.member)) found.push(`the secret step '${r.member}'`);
    else if (captures.has(r.root)) found.push(`'${r.root}' (the result of the secret step '${captures.get(r.root)}')`);
  }
  return found;
}

/** What a template's expressions read that is a secret. */
export function secretReads(doc: RunbookDoc, text: string): string[] {
  let parts;
  try { parts = parseTemplate(text); } catch { return []; } // a broken template has its own error
  return parts.flatMap((p) => (p.kind === 'expr' ? secretReadsOf(doc, p.node) : []));
}
