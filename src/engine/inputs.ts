// Input values for a run: --input wins, then the input's environment variable, then its default.
// Checked before anything runs; secrets are registered for masking as soon as they are known.
import type { RunbookDoc } from '../language/schema.js';
import type { Redactor } from '../secrets/redactor.js';
import { hasOwn, own, setOwn } from '../common/own.js';
import { checkInputValue as check } from '../language/input-value.js';
import { markSecretVars, secretVarsOf } from '../secrets/step-taint.js';
import { MASK } from '../secrets/redactor.js';

export interface InputProblem { input: string; message: string }

export function resolveInputs(doc: RunbookDoc, given: Record<string, string>, env: NodeJS.ProcessEnv, redactor: Redactor):
  { values: Record<string, unknown>; problems: InputProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: InputProblem[] = [];
  const declared = doc.inputs ?? {};
  for (const name of Object.keys(given)) {
    if (!hasOwn(declared, name)) problems.push({ input: name, message: `unknown input '${name}' (this runbook takes: ${Object.keys(declared).join(', ') || 'no inputs'})` });
  }
  for (const [name, spec] of Object.entries(declared)) {
    // A secret's default is a secret even when another value replaces it (it may still turn up in output).
    if (spec.secret && spec.default !== undefined) redactor.addValue(String(spec.default));
    const raw = own(given, name) ?? (spec.env ? own(env, spec.env) : undefined) ?? spec.default;
    if (raw === undefined || raw === '') {
      if (spec.required) problems.push({ input: name, message: `missing input '${name}': pass --input ${name}=…${spec.env ? ` or set ${spec.env}` : ''}${spec.description ? ` (${spec.description})` : ''}` });
      continue;
    }
    // A secret input's whole value is a secret (a webhook URL's token is in its path, not a password); a URL's
    // password is one too, wherever the URL is rebuilt around it. Where a database URL is shown as the run's
    // target, it is shown with its password's place masked (Redactor.showUrl): which server stays readable.
    // A URL that is not secret may still carry a password: that part is registered.
    if (spec.secret) redactor.addValue(String(raw));
    else if (typeof raw === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) redactor.addUrl(raw);
    const checked = check(name, raw, spec.type ?? 'string', spec.pattern);
    if (typeof checked === 'string') problems.push({ input: name, message: checked });
    else setOwn(values, name, checked.value);
  }
  return { values, problems };
}

/** Inputs a calling run filled in from a secret (engine/step-runner.ts): secrets by where they came from, whatever
 *  they hold, as a vars value computed from one is (secrets/step-taint.ts); the run shows them as the mask. */
export function markSecretInputs(values: Record<string, unknown>, names: readonly string[]): void {
  markSecretVars(values, names.filter((n) => hasOwn(values, n)));
}

/** The inputs as the run's header shows and records them: each a caller filled in from a secret is the mask. */
export function shownInputs(values: Record<string, unknown>): Record<string, unknown> {
  const secret = secretVarsOf(values);
  if (!secret?.size) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) ? MASK : v]));
}
