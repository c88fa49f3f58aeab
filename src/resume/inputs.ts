// Inputs for a resumed run. Non-secret values come from the transcript header, so the run continues
// with what it started with; --input overrides them. Values the transcript holds masked (secret inputs,
// passwords in URLs) must be supplied again, as for `run`: the resume refuses rather than guess.
import type { RunbookDoc } from '../language/schema.js';
import { MASK } from '../secrets/redactor.js';
import { UserError } from '../common/errors.js';
import { own } from '../common/own.js';

/** `name=value` pairs to pass as --input: the recorded values first, the operator's after (they win). */
export function inputsForResume(recorded: Record<string, unknown>, doc: RunbookDoc, given: string[], env: NodeJS.ProcessEnv): string[] {
  const givenNames = new Set(given.map((pair) => pair.slice(0, pair.indexOf('='))));
  const reuse: string[] = [];
  const missing: string[] = [];
  for (const [name, value] of Object.entries(recorded)) {
    const spec = own(doc.inputs, name);
    if (!spec || givenNames.has(name)) continue;
    const masked = spec.secret === true || (typeof value === 'string' && value.includes(MASK));
    if (!masked) reuse.push(`${name}=${String(value)}`);
    else if (!(spec.env && own(env, spec.env))) missing.push(`--input ${name}=…${spec.env ? ` or set ${spec.env}` : ''}`);
  }
  if (missing.length) {
    throw new UserError(`the transcript holds these inputs masked; supply them again to resume: ${missing.join('; ')}`);
  }
  return [...reuse, ...given];
}
