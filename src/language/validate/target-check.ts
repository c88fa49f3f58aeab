// Targets that apply only sometimes (`if` / `otherwise`): the fallback chain names real targets and ends.
import type { RunbookDoc } from '../schema.js';
import { childPath } from '../source-map.js';
import { didYouMean } from '../suggest.js';
import { own } from '../../common/own.js';
import type { Reporter } from './context.js';

export function checkTargetChoices(doc: RunbookDoc, report: Reporter): void {
  const targets = doc.targets ?? {};
  const known = Object.keys(targets);
  for (const [name, t] of Object.entries(targets)) {
    const base = childPath('/targets', name);
    if (t.otherwise === undefined) continue;
    const path = `${base}/otherwise`;
    if (t.if === undefined) {
      report.error('misplaced-key', path, `target '${name}' has 'otherwise' but no 'if': 'otherwise' is where its steps run when 'if' is false`, 'key');
    } else if (!known.includes(t.otherwise)) {
      report.error('unknown-target', path, `unknown target '${t.otherwise}'${didYouMean(t.otherwise, known)}`);
    } else {
      const w = walk(doc, name);
      if (w.loops) report.error('target-loop', path, `target '${name}' falls back in a circle through 'otherwise' (${w.names.join(' → ')}): end the chain with a target that has no 'if'`);
    }
  }
}

/** The names `otherwise` leads through from `name`, up to and including the first repeat (if any). */
function walk(doc: RunbookDoc, name: string): { names: string[]; loops: boolean } {
  const names: string[] = [];
  for (let at: string | undefined = name; at !== undefined; at = own(doc.targets, at)?.otherwise) {
    const loops = names.includes(at);
    names.push(at);
    if (loops) return { names, loops };
  }
  return { names, loops: false };
}
