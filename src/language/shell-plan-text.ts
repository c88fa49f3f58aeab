// The text bash runs for a proven plan (shell-plan.ts): every word single-quoted, every operator spelled one
// way, so that bash's reading of it is the plan and nothing else. The lint reads this same text (with values as
// HOLE), and the executor runs it (with values as references to the variables the prelude fills): what was
// proven is what runs. Each pipeline stays on its source line, so bash's line numbers are the author's.
import { HOLE } from './shell-syntax.js';
import type { Plan, PlanCommand, PlanRedirect, PlanWord } from './shell-plan.js';

/** How a value word is spelled: for the lint, `"HOLE"`; for bash, `"${RUNBOOK_Vn}"`. */
export type ValueSpelling = (n: number) => string;
export const holeSpelling: ValueSpelling = () => `"${HOLE}"`;

export function planText(plan: Plan, value: ValueSpelling): string {
  let out = '';
  let line = 1;
  for (const p of plan.pipelines) {
    if (p.join === '&&' || p.join === '||') out += ` ${p.join}${p.line > line ? '' : ' '}`;
    else if (p.join === ';' && p.line <= line) out += '; ';
    if (p.join && p.line > line) { out += '\n'.repeat(p.line - line); line = p.line; }
    out += p.commands.map((c) => commandText(c, value)).join(' | ');
  }
  return out;
}

function commandText(c: PlanCommand, value: ValueSpelling): string {
  return [...c.words.map((w) => wordText(w, value)), ...c.redirects.map((r) => redirectText(r, value))].join(' ');
}

const wordText = (w: PlanWord, value: ValueSpelling): string => ('value' in w ? value(w.value) : singleQuoted(w.text));

function redirectText(r: PlanRedirect, value: ValueSpelling): string {
  if (r.op === '<') return `<${wordText(r.target, value)}`;
  return r.op === '2>&1' ? '2>&1' : `${r.op}/dev/null`;
}

export const singleQuoted = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Builtins whose every option only changes what they print (echo -n, -e, -E). */
const PRINT_ONLY = new Set(['echo', 'true', 'false']);

/** A value that would be read as an option: a value word that begins with '-' in a command with no literal `--`
 *  before it (printf -v, xxd -ps…). Checked on the values at run time; such a step is not proven. */
export function valueAsOption(plan: Plan, values: readonly string[]): string | undefined {
  for (const p of plan.pipelines) {
    for (const c of p.commands) {
      if (PRINT_ONLY.has((c.words[0] as { text: string }).text)) continue;
      let ended = false;
      for (const w of c.words) {
        if (!('value' in w)) { if (w.text === '--') ended = true; continue; }
        const v = values[w.value - 1] ?? '';
        if (!ended && v.startsWith('-')) {
          const name = (c.words[0] as { text: string }).text;
          // The value itself is not named: it may be a secret.
          return `its value ${w.value} begins with '-' and would reach ${name} as an option; put '--' before it where ${name} reads one`;
        }
      }
    }
  }
  return undefined;
}
