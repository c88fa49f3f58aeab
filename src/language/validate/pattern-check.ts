// Regular expressions in a runbook must compile: an input's pattern is checked before the run starts and a
// prompt's when it asks, so a broken one would otherwise surface only mid-run (or as an internal error).
import { childPath } from '../source-map.js';
import type { RunbookDoc } from '../schema.js';
import type { Reporter } from './context.js';

export function checkPatterns(doc: RunbookDoc, report: Reporter): void {
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    // As engine/inputs.ts compiles it.
    if (input.pattern !== undefined) check(() => new RegExp(input.pattern!), `${childPath('/inputs', name)}/pattern`, `input '${name}'`, report);
  }
  doc.steps.forEach((step, i) => {
    // As executors/prompt.ts compiles it: anchored, unicode.
    const p = step.prompt?.pattern;
    if (p !== undefined) check(() => new RegExp(`^(?:${p})$`, 'u'), `/steps/${i}/prompt/pattern`, `the prompt of step '${step.id}'`, report);
  });
}

function check(compile: () => RegExp, path: string, owner: string, report: Reporter): void {
  try {
    compile();
  } catch (e) {
    report.error('bad-pattern', path, `the pattern of ${owner} is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}
