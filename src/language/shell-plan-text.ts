// The text bash runs for a proven plan (shell-plan.ts): every word single-quoted, every operator spelled one
// way, so that bash's reading of it is the plan and nothing else. The lint reads this same text (with values as
// HOLE), and the executor runs it (with values as references to the variables the prelude fills): what was
// proven is what runs. Each pipeline stays on its source line, so bash's line numbers are the author's.
import { HOLE } from './shell-syntax.js';
import { literalOf, type Plan, type PlanCommand, type PlanRedirect, type PlanWord } from './shell-plan.js';

/** How a value word is spelled: for the lint, `"HOLE"`; for bash, `"${RUNBOOK_Vn}"`. */
export type ValueSpelling = (n: number) => string;
export const holeSpelling: ValueSpelling = () => `"${HOLE}"`;

export function planText(plan: Plan, value: ValueSpelling): string {
  let out = '';
  let line = 1; // the line `out` ends on: a quoted word may hold line breaks of its own
  const emit = (text: string): void => { out += text; line += text.split('\n').length - 1; };
  const breaks = (to: number): string => '\n'.repeat(Math.max(0, to - line));
  for (const p of plan.pipelines) {
    if (p.join === '&&' || p.join === '||') emit(p.line > line ? ` ${p.join}${breaks(p.line)}` : ` ${p.join} `);
    else if (p.join === ';') emit(p.line > line ? breaks(p.line) : '; ');
    p.commands.forEach((c, i) => {
      if (i > 0) emit(c.line > line ? ` |${breaks(c.line)}` : ' | ');
      emit(commandText(c, value));
    });
  }
  return out;
}

function commandText(c: PlanCommand, value: ValueSpelling): string {
  return [...c.words.map((w) => wordText(w, value)), ...c.redirects.map((r) => redirectText(r, value))].join(' ');
}

/** Each literal part single-quoted, each value its reference, side by side: bash joins them into one word. */
const wordText = (w: PlanWord, value: ValueSpelling): string => {
  const parts = w.parts.filter((p) => p !== '');
  return parts.length === 0 ? "''" : parts.map((p) => (typeof p === 'string' ? singleQuoted(p) : value(p.value))).join('');
};

function redirectText(r: PlanRedirect, value: ValueSpelling): string {
  if (r.op === '<') return `<${wordText(r.target, value)}`;
  return r.op === '2>&1' || r.op === '>&2' ? r.op : `${r.op}/dev/null`;
}

export const singleQuoted = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Builtins whose every option only changes what they print (echo -n, -e, -E). */
const PRINT_ONLY = new Set(['echo', 'true', 'false']);

/** A value that would be read as an option: a value word that begins with '-' in a command with no literal `--`
 *  before it (printf -v, xxd -ps…). Checked on the values at run time; such a step is not proven. */
export function valueAsOption(plan: Plan, values: readonly string[]): string | undefined {
  for (const p of plan.pipelines) {
    for (const c of p.commands) {
      const name = literalOf(c.words[0]!) ?? '';
      if (PRINT_ONLY.has(name)) continue;
      let ended = false;
      for (const w of c.words) {
        if (literalOf(w) === '--') { ended = true; continue; }
        const first = w.parts.find((p) => p !== '');
        if (ended || first === undefined || typeof first === 'string') continue;
        // The word's text as bash will pass it begins with this value (and a value may be empty: then the next).
        const text = w.parts.map((p) => (typeof p === 'string' ? p : values[p.value - 1] ?? '')).join('');
        if (text.startsWith('-')) {
          // The value itself is not named: it may be a secret.
          return `its value ${first.value} begins with '-' and would reach ${name} as an option; put '--' before it where ${name} reads one`;
        }
      }
    }
  }
  return undefined;
}

/** Words find reads as its own syntax: the end of an -exec command (`;`, `{} +`), the file name's place, groups. */
const FIND_SYNTAX = new Set([';', '+', '{}', '(', ')', '!', ',']);

/** A value that find would read as its own syntax: in a command that runs find (after any wrapper), a value word
 *  that is `;` or `+` ends an -exec command early, so the words the lint read as the command's arguments become
 *  primaries (`-exec grep "${{ v }}" -delete {} ;` with v = ';' deletes). Checked on the values at run time. */
export function valueAsFindSyntax(plan: Plan, values: readonly string[]): string | undefined {
  for (const p of plan.pipelines) {
    for (const c of p.commands) {
      if (!c.words.some((w) => /^(.*\/)?find$/.test(literalOf(w) ?? ''))) continue;
      for (const w of c.words) {
        if (w.parts.every((part) => typeof part === 'string')) continue;
        const text = w.parts.map((part) => (typeof part === 'string' ? part : values[part.value - 1] ?? '')).join('');
        if (FIND_SYNTAX.has(text)) return `a value makes the word '${text}', which find reads as its own syntax (the end of -exec, or a group)`;
      }
    }
  }
  return undefined;
}
