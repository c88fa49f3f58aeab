// A default that its own input (or prompt) would refuse fails every run that relies on it, and only then.
import type { RunbookDoc } from '../schema.js';
import { checkInputValue } from '../input-value.js';
import { childPath } from '../source-map.js';
import type { Reporter } from './context.js';

export function checkDefaults(doc: RunbookDoc, report: Reporter): void {
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    if (input.default === undefined || !compiles(input.pattern)) continue;
    const problem = checkInputValue(name, input.default, input.type ?? 'string', input.pattern);
    const shown = input.secret ? 'its default (not shown: the input is secret)' : `its default ${JSON.stringify(input.default)}`;
    if (typeof problem === 'string') report.error('bad-default', `${childPath('/inputs', name)}/default`, `${shown} does not fit: ${problem}; fix the default or the type/pattern`);
  }
  doc.steps.forEach((step, i) => {
    const p = step.prompt;
    if (p?.default === undefined) return;
    const at = `/steps/${i}/prompt/default`;
    // A secret prompt's default is worded like a secret input's: the message never quotes it.
    const secret = p.secret === true || step.secret === true;
    const shown = secret ? `the default of step '${step.id}' (not shown: the prompt is secret)` : `the default '${p.default}' of step '${step.id}'`;
    if (p.choices && !p.choices.includes(p.default)) {
      report.error('bad-default', at, `${shown} is not one of its choices${secret ? '' : ` (${p.choices.join(', ')})`}`);
    } else if (p.pattern !== undefined && compiles(`^(?:${p.pattern})$`) && !new RegExp(`^(?:${p.pattern})$`, 'u').test(p.default)) {
      report.error('bad-default', at, `${shown} does not match its pattern ${p.pattern}`);
    }
  });
}

/** A pattern that does not compile has its own error (pattern-check). */
function compiles(pattern: string | undefined): boolean {
  try { if (pattern !== undefined) new RegExp(pattern, 'u'); return true; } catch { return false; }
}
