// Holes a shell script cannot hold safely (see language/shell-holes.ts): in an arithmetic context bash would
// evaluate the value (running any $(…) in it); in a quoted here-document it would never be filled in.
import { parseTemplate } from '../expression/index.js';
import { HOLE, holeContexts } from '../shell-holes.js';
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';

const WHY = {
  arithmetic: 'is in an arithmetic context ((( )), $(( )), [[ -eq/-lt/… ]], let, an array index), where bash evaluates the value and runs any $(…) in it: compare with [ … ] or in next: if:',
  'quoted-heredoc': "is inside a quoted here-document (<<'EOF'), where nothing is filled in: assign it first (v=${{ … }}) and use an unquoted <<EOF",
} as const;

export function checkShellHoles(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    for (const [path, script] of scripts(step, `/steps/${i}`)) {
      let marked: string;
      try {
        marked = parseTemplate(script).map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join('');
      } catch {
        continue; // expression-check reports it
      }
      const bad = holeContexts(marked).find((c): c is keyof typeof WHY => c in WHY);
      if (bad) report.error('shell-hole', path, `a \${{ }} in the shell script of step '${step.id}' ${WHY[bad]}`);
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
