// A step whose result is a secret (`secret: true`, or a secret prompt): what it produced is registered with the
// run's redactor before anything about its result is shown or recorded. Later steps read the real values.
import type { StepResult } from '../executors/types.js';
import type { StepDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';

export function isSecretStep(step: StepDoc): boolean {
  return step.secret === true || step.prompt?.secret === true;
}

/** The values later steps read: `value`, `output` (stdout without its trailing newline) and stdout, every value
 *  in `rows`, a vars step's values. Column names, counts and statuses are not secret. A called runbook's
 *  (`runbook:` step) values are its declared `outputs`: its `value` is its outcome (`resolved`), which is no
 *  secret, and masking it would mask every "resolved". A step shown, not run, by a dry run produced nothing. */
export function registerSecretResult(redactor: Redactor, result: StepResult, step: StepDoc): void {
  if (result.details?.dryRun === true) return;
  if (step.runbook) { redactor.addDeep(result.outputs ?? {}); return; }
  redactor.addValue(result.value);
  if (result.stdout !== undefined) {
    redactor.addValue(result.stdout.trimEnd());
    redactor.addValue(result.stdout.trim());
  }
  // A few cells are the secret fetched (a password from a vault table): they get every form a script can print;
  // the cells of a larger table are data, each masked with its encodings (secrets/script-forms.ts).
  const cells = (result.rows ?? []).reduce((n, row) => n + Object.keys(row).length, 0);
  for (const row of result.rows ?? []) {
    for (const cell of Object.values(row)) {
      if (typeof cell === 'string') redactor.addValue(cell, cells > 4);
      else if (typeof cell === 'number' || typeof cell === 'bigint') redactor.add(String(cell));
      else if (cell && typeof cell === 'object') { redactor.add(JSON.stringify(cell)); redactor.addDeep(cell); }
    }
  }
  if (result.vars) redactor.addDeep(result.vars);
  if (result.outputs) redactor.addDeep(result.outputs);
}
