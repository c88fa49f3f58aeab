// "Resolved" is what the application's own connection does at the end of the run, not what a step found before it.
// A probe of stop 80 ran the built-in `refused` against a database that came back for a moment (a crash loop, a
// flapping proxy): its one login fell in the healed moment and the run ended `resolved`, exit 0, while the same URL
// was refused two logins in three after it. A runbook names the application's connection (`application:`); a run
// about to end `resolved` logs in with that URL (login and SELECT 1, the db-connect probe) every second for its
// `hold`, and ends `escalate` at the first login that fails, naming it. A URL that cannot be told (its template
// fails, or it is empty) ends `escalate` too: nothing then says the application works.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from '../executors/types.js';
import type { Scope } from '../language/expression/index.js';
import type { RunbookDoc } from '../language/schema.js';
import { talksToDatabase } from '../language/talks-to-database.js';
import { toMs } from './duration.js';
import type { MachineOutput } from './machine-types.js';
import { renderTemplate } from './render.js';

export const DEFAULT_HOLD_MS = 5_000;
/** A resolved end of a runbook that talks to a database and names no application (validate warns:
 *  application-named-check.ts): said at the end too, so the screen and the transcript do not claim more than the steps found. */
export const NOT_CHECKED = '(Not checked at the end: this runbook talks to a database and names no application connection (application:), so "resolved" says only that its steps passed.)';
/** A login a second: a fault back for longer than that within the hold is met by one of them. */
export const EVERY_MS = 1_000;
const LOGIN_TIMEOUT_MS = 10_000;

export interface ApplicationCheck {
  doc: RunbookDoc;
  /** A called runbook's run: the calling run's end is the one that says "resolved" and is checked. */
  called: boolean;
  /** The run's data as it ended: the URL is filled in from it. */
  scope: Scope;
  /** One login with the URL, recorded under the end step's id (so a test case scripts it there). */
  login(url: string, stepId: string, timeoutMs: number): Promise<StepResult>;
  signal: AbortSignal;
  /** Told as the logins begin: the screen says what the run is doing for the hold rather than sitting still. */
  started(holdMs: number, everyMs: number): void;
}

export async function applicationWorks(output: MachineOutput, c: ApplicationCheck): Promise<MachineOutput> {
  const app = c.doc.application;
  if (output.outcome !== 'resolved') return output;
  if (!app) return c.called || !talksToDatabase(c.doc) ? output : { ...output, message: `${output.message} ${NOT_CHECKED}`.trim() };
  const end = output.stepId ? `'${output.stepId}'` : 'its end';
  let url: string;
  try {
    url = renderTemplate(app.url, c.scope).trim();
  } catch (err) {
    return notResolved(output, `The run reached ${end} (resolved), but the application's URL could not be told at the end (${(err as Error).message}): nothing checked that the application connects. Check it before calling it resolved.`);
  }
  if (!url) return notResolved(output, `The run reached ${end} (resolved), but the application's URL is empty at the end: nothing checked that the application connects. Check it before calling it resolved.`);
  const holdMs = toMs(app.hold, DEFAULT_HOLD_MS);
  c.started(holdMs, EVERY_MS);
  const started = Date.now();
  try {
    for (let n = 1; ; n++) {
      const r = await c.login(url, output.stepId ?? 'end', LOGIN_TIMEOUT_MS);
      const elapsed = Date.now() - started;
      if (r.status !== 'ok') {
        return notResolved(output, `The run reached ${end} (resolved), but the application's URL, checked at the end, failed on login ${n} `
          + `(${seconds(elapsed)} s in): ${r.classification ?? r.status}${r.error ? `: ${r.error}` : ''}. The fault is back, or was never gone: `
          + 'look again before calling it resolved.');
      }
      if (elapsed >= holdMs) {
        return { ...output, message: `${output.message} (Checked at the end: the application's URL logged in ${n} time${n === 1 ? '' : 's'} in ${seconds(elapsed)} s, each ok.)` };
      }
      await sleep(Math.min(n * EVERY_MS, holdMs) - elapsed, undefined, { signal: c.signal });
    }
  } catch (err) {
    return notResolved(output, `The run reached ${end} (resolved), but its check of the application's URL at the end was stopped (${(err as Error).message}).`);
  }
}

function notResolved(output: MachineOutput, message: string): MachineOutput {
  return { outcome: 'escalate', ...(output.stepId ? { stepId: output.stepId } : {}), message };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
