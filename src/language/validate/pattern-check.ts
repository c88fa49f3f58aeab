// Regular expressions in a runbook must compile: an input's pattern is checked before the run starts and a
// prompt's when it asks, so a broken one would otherwise surface only mid-run (or as an internal error).
import { childPath } from '../source-map.js';
import type { RunbookDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { patternWords } from '../pattern-words.js';

export function checkPatterns(doc: RunbookDoc, report: Reporter): void {
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    // As engine/inputs.ts compiles it.
    if (input.pattern !== undefined) check(() => new RegExp(input.pattern!), `${childPath('/inputs', name)}/pattern`, `input '${name}'`, report);
  }
  doc.steps.forEach((step, i) => {
    // As executors/prompt.ts compiles it: anchored, unicode.
    const p = step.prompt?.pattern;
    if (p === undefined) return;
    if (!check(() => new RegExp(`^(?:${p})$`, 'u'), `/steps/${i}/prompt/pattern`, `the prompt of step '${step.id}'`, report)) return;
    // A wrong answer is told what is expected in words: this pattern is beyond the reader, so the author says it.
    if (step.prompt!.expected === undefined && patternWords(p) === undefined) {
      report.warn('pattern-in-words', `/steps/${i}/prompt/pattern`,
        `an operator whose answer does not match this pattern would be shown the regular expression itself; say what it expects in words with 'expected'`);
    }
  });
}

function check(compile: () => RegExp, path: string, owner: string, report: Reporter): boolean {
  try {
    compile();
    return true;
  } catch (e) {
    report.error('bad-pattern', path, `the pattern of ${owner} is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    return false;
  }
}
