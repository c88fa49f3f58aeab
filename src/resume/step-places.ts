// Where each shell step's clients look for their configuration, as far as the run's start can tell: a step's
// `env:` may point PGSERVICEFILE, PGPASSFILE, HOME, KUBECONFIG, MYSQL_HOME or MARIADB_HOME elsewhere, and its `cwd:` holds a
// `.env` of its own. A probe of stop 66 pointed a step's PGSERVICEFILE at a file the run's record did not
// hold, edited it between kill -9 and resume, and the resumed step wrote to another server. The steps of the
// runbooks it calls are read too, with the inputs the call gives them.
import { resolve } from 'node:path';
import { resolveCalled } from '../catalog/called-runbooks.js';
import { own, setOwn } from '../common/own.js';
import { renderTemplate } from '../engine/render.js';
import { readRunbook } from '../language/runbook.js';
import type { RunbookDoc } from '../language/schema.js';

type Place = { env: NodeJS.ProcessEnv; cwd: string };

/** Calls nest at most 5 deep at run time (cli/call-runbook.ts). */
const MAX_DEPTH = 5;

/** Each shell step's environment (the run's, with the step's own moving variables) and directory, in the runbook
 *  (`file`) and in those it calls; a value that cannot be filled in from the inputs alone (it reads a step's
 *  result) is left as the run's. */
export function stepPlaces(doc: RunbookDoc, inputs: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string, file?: string, depth = 0): Place[] {
  // A path filled in from a secret input is not recorded (it would be in the header as written: a probe of stop
  // 72 read a secret KUBECONFIG path there); the step's file is then the run's, as for a value not known yet.
  const secrets = Object.entries(doc.inputs ?? {}).flatMap(([name, spec]) => {
    const v = spec.secret ? own(inputs, name) : undefined;
    return typeof v === 'string' && v !== '' ? [v] : [];
  });
  const fill = (text: string): string | undefined => {
    let filled: string | undefined;
    try { filled = renderTemplate(text, { inputs, steps: {} }) || undefined; } catch { return undefined; }
    return filled !== undefined && secrets.some((s) => filled.includes(s)) ? undefined : filled;
  };
  const out: Place[] = [];
  for (const step of doc.steps) {
    const called = step.runbook && file && depth < MAX_DEPTH ? resolveCalled(step.runbook.name, file) : undefined;
    const callee = called ? readRunbook(called).runbook : undefined;
    if (callee) out.push(...stepPlaces(callee.doc, calleeInputs(callee.doc, step.runbook?.inputs ?? {}, fill, env), env, cwd, callee.file, depth + 1));
    const shell = typeof step.shell === 'object' && step.shell !== null ? step.shell : undefined;
    if (!shell || (!shell.env && !shell.cwd)) continue;
    const stepEnv: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(shell.env ?? {})) {
      // Every variable: which of them move a client's files is the client's to say (mysql-option-files.ts).
      const filled = typeof value === 'string' ? fill(value) : undefined;
      if (filled !== undefined) stepEnv[name] = filled;
    }
    const dir = shell.cwd ? fill(shell.cwd) : undefined;
    out.push({ env: stepEnv, cwd: dir ? resolve(cwd, dir) : cwd });
  }
  return out;
}

/** A called runbook's inputs as the call gives them (filled in from the caller's inputs), else as it reads
 *  them itself: its variable, then its default (engine/inputs.ts). */
function calleeInputs(doc: RunbookDoc, given: Record<string, unknown>, fill: (text: string) => string | undefined, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const call = own(given, name);
    const value = (typeof call === 'string' ? fill(call) : call) ?? (spec.env ? own(env, spec.env) : undefined) ?? spec.default;
    if (value !== undefined) setOwn(out, name, value);
  }
  return out;
}
