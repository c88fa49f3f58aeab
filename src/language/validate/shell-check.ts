// Holes a shell script cannot hold safely (see language/shell-holes.ts): in an arithmetic context bash would
// evaluate the value (running any $(…) in it); in a quoted here-document it would never be filled in.
import { parseTemplate } from '../expression/index.js';
import { HOLE, holeContexts, holeReference, type HoleContext } from '../shell-holes.js';
import { parseScript } from '../shell-words.js';
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { envNameProblem } from '../env-names.js';
import { childPath } from '../source-map.js';
import { stepShells } from './step-shells.js';

const WHY = {
  arithmetic: 'is in an arithmetic context ((( )), $(( )), [[ -eq/-lt/… ]], let, an array index), where bash evaluates the value and runs any $(…) in it: compare with [ … ] or in next: if:',
  'quoted-heredoc': "is inside a quoted here-document (<<'EOF'), where nothing is filled in: assign it first (v=${{ … }}) and use an unquoted <<EOF",
} as const;

const UNQUOTED = "stands where bash reads the engine's reference to it outside quotes, so the value would split into words (options among them) and glob: the quotes before it read otherwise to the engine than to bash (a quote in a comment after ';', '&' or '|'?); write the comment on a line of its own or quote it";

/** Whether the script as the engine writes it (each hole's reference by holeContexts, engine/render.ts) has a
 *  reference bash reads unquoted. holeContexts is a small reader of quotes: after `echo;# "` it took the rest for
 *  a "…" string and wrote a bare ${V}, which bash split: `find . -name ${{ x }}` with x = 'a -o -delete' deleted
 *  files in a step that validated clean. The lint's own reader (the one tested against bash) decides. */
function unquotedReference(marked: string, contexts: HoleContext[]): boolean {
  // As render.ts: the contexts only when there is one per hole.
  const holes = marked.split('\u0000').length - 1;
  let k = 0;
  const rendered = marked.replace(/\u0000/g, () => holeReference((contexts.length === holes ? contexts[k++] : (k++, 'word')) ?? 'word', `\${RUNBOOK_V${k}}`));
  // A substitution's own words are read (and recorded) by the nested parse; in ${…} a reference stands quoted
  // only right inside "…" (the engine writes "${V}" there).
  return (parseScript(rendered).unquoted ?? []).some((e) => !/^(\$\(|`)/.test(e) && BARE.test(e));
}
const BARE = /(^|[^"])\$\{RUNBOOK_V\d+\}|\$\{RUNBOOK_V\d+\}(?!")/;

export function checkShellHoles(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    for (const [path, script] of scripts(step, `/steps/${i}`)) {
      let marked: string;
      try {
        marked = parseTemplate(script).map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join('');
      } catch {
        continue; // expression-check reports it
      }
      const contexts = holeContexts(marked);
      const bad = contexts.find((c): c is keyof typeof WHY => c in WHY);
      if (bad) report.error('shell-hole', path, `a \${{ }} in the shell script of step '${step.id}' ${WHY[bad]}`);
      else if (unquotedReference(marked, contexts)) report.error('shell-hole', path, `a \${{ }} in the shell script of step '${step.id}' ${UNQUOTED}`);
    }
  });
}

/** Names a step's env may not set: not a plain shell name (the published schema's pattern, which checkSchema leaves
 *  to this check), the engine's own or bash's read-only ones. */
export function checkEnvNames(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    for (const [path, shell] of stepShells(step, i)) {
      if (typeof shell !== 'object') continue;
      for (const name of Object.keys(shell.env ?? {})) {
        if (name.includes('${{')) continue; // template-in-key says what is wrong with it
        const problem = envNameProblem(name);
        if (problem) report.error('bad-name', childPath(`${path}/env`, name), `env '${name}' in step '${step.id}' ${problem}`, 'key');
      }
    }
  });
}

function scripts(step: StepDoc, base: string): [string, string][] {
  const out: [string, string][] = [];
  const add = (shell: StepDoc['shell'], path: string) => {
    if (typeof shell === 'string') out.push([path, shell]);
    else if (shell) out.push([`${path}/run`, shell.run]);
  };
  add(step.shell, `${base}/shell`);
  add(step.wait?.shell, `${base}/wait/shell`);
  return out;
}
