// Where each shell step's clients look for their configuration, as far as the run's start can tell: a step's
// `env:` may point PGSERVICEFILE, PGPASSFILE, HOME, KUBECONFIG or MYSQL_HOME elsewhere, and its `cwd:` holds a
// `.env` of its own. A probe of stop 66 pointed a step's PGSERVICEFILE at a file the run's record did not
// hold, edited it between kill -9 and resume, and the resumed step wrote to another server.
import { resolve } from 'node:path';
import { renderTemplate } from '../engine/render.js';
import type { RunbookDoc } from '../language/schema.js';

/** The variables that move a client's configuration files (client-files.ts reads them). */
const MOVING = new Set(['PGSERVICEFILE', 'PGSYSCONFDIR', 'PGPASSFILE', 'PSQLRC', 'HOME', 'KUBECONFIG', 'MYSQL_HOME', 'MYSQL_TEST_LOGIN_FILE']);

/** Each shell step's environment (the run's, with the step's own moving variables) and directory; a value that
 *  cannot be filled in from the inputs alone (it reads a step's result) is left as the run's. */
export function stepPlaces(doc: RunbookDoc, inputs: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string): { env: NodeJS.ProcessEnv; cwd: string }[] {
  const fill = (text: string): string | undefined => {
    try { return renderTemplate(text, { inputs, steps: {} }) || undefined; } catch { return undefined; }
  };
  const out: { env: NodeJS.ProcessEnv; cwd: string }[] = [];
  for (const step of doc.steps) {
    const shell = typeof step.shell === 'object' && step.shell !== null ? step.shell : undefined;
    if (!shell || (!shell.env && !shell.cwd)) continue;
    const stepEnv: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(shell.env ?? {})) {
      const filled = MOVING.has(name) && typeof value === 'string' ? fill(value) : undefined;
      if (filled !== undefined) stepEnv[name] = filled;
    }
    const dir = shell.cwd ? fill(shell.cwd) : undefined;
    out.push({ env: stepEnv, cwd: dir ? resolve(cwd, dir) : cwd });
  }
  return out;
}
