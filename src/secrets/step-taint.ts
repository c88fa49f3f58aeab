// Secrets by where they flowed (issue #46). A step whose code is given a secret (a template value in its script,
// an env: variable, its working directory, an SQL parameter) may print it in any encoding at all: od -c, rot13,
// upper($1) in a server's error. No list of encodings covers that, so everything such a step's code or server
// returned is withheld from every record (transcript, report, --json, store), its exit code, counts and sizes too
// (SHOWN_OF_GIVEN): the record says which secret the step was given and how the step went. No hash of it: a step
// that prints a short secret would make the hash a hash of the secret, and a 6-digit PIN came back from its sha256
// in a second (a probe of stop 69). The engine still reads the real values (to branch, to fill later templates),
// and whatever it reads from them is tainted in turn (language/expression/evaluate.ts: a withheld result is a
// whole source). The engine's own use of a secret (a driver's login, a probe's URL) gives no step's code
// anything, so it taints nothing.
import { MASK } from './redactor.js';
import { SHOWN_OF_GIVEN } from '../language/results.js';

/** What a record written before stop 80 kept of a field it withheld: its size (readers ignore it now). */
export interface Digest { bytes?: number }
/** A step given a secret: what it was given. Nothing of what it returned is kept, not even a size (stop 80). The
 *  digests are only in records written before. */
export interface Withheld { because: string[]; stdout?: Digest; stderr?: Digest; error?: Digest; value?: Digest; rows?: Digest; outputs?: Digest; details?: Digest }

/** The fields of a step's result (executors/types.ts StepResult, an item's too) that this reads: described here,
 *  below the executors, which import this folder. */
interface TaintableResult {
  stdout?: string; stderr?: string; error?: string; value?: string;
  rows?: Record<string, unknown>[]; outputs?: Record<string, unknown>; details?: Record<string, unknown>;
  items?: TaintableResult[]; withheld?: Withheld; vars?: Record<string, unknown>;
  /** What the server said the step's read reached (db/pg-secret-reach.ts): given as if by the step's text. */
  secretsRead?: string[];
  classification?: string;
}

/** Marks the view expressions read of a withheld result (engine/scope.ts): reading any field from it but those
 *  SHOWN_OF_GIVEN names, or the view whole, is reading a secret. */
export const WITHHELD_VIEW: unique symbol = Symbol('withheld view');
/** On a vars step's values (engine/vars.ts): the names computed from a secret, which are secrets by where they
 *  came from whatever they hold (a 3-digit piece of a secret's number is no value the redactor can mask). */
export const SECRET_VARS: unique symbol = Symbol('secret vars');

/** The names `vars` marks as computed from a secret. */
export function secretVarsOf(vars: unknown): ReadonlySet<string> | undefined {
  return vars !== null && typeof vars === 'object' ? (vars as { [SECRET_VARS]?: ReadonlySet<string> })[SECRET_VARS] : undefined;
}

/** Marks `names` of `vars` as computed from a secret (not enumerable: no record or copy lists it). */
export function markSecretVars(vars: object, names: Iterable<string>): void {
  const all = new Set([...(secretVarsOf(vars) ?? []), ...names]);
  if (all.size) Object.defineProperty(vars, SECRET_VARS, { value: all, enumerable: false, configurable: true });
}

/** What a withheld result's record keeps besides SHOWN_OF_GIVEN: what it was given, and a for_each item's place in
 *  its list (which the route chose, and the screen shows). */
const RECORDED_OF_GIVEN: ReadonlySet<string> = new Set([...SHOWN_OF_GIVEN, 'items', 'index', 'label']);
/** The fields a withheld record says were there, read `****` (a resume that would act on one refuses:
 *  resume/lost-values.ts); whether they were empty is not said. */
const MASKED_OF_GIVEN = ['stdout', 'stderr', 'error', 'value'] as const;
const NOT_READ_ONLY = 'not-read-only';

/** The result of a step given the secrets `because` names: real values kept (the engine reads them), and what it
 *  was given, for the record. */
export function taintResult<R extends TaintableResult>(reported: R, given: string[]): R {
  const { secretsRead, ...own } = reported;
  const result = own as R;
  const because = [...new Set([...given, ...(secretsRead ?? [])])];
  if (because.length === 0 || result.details?.dryRun === true) return result;
  const items = 'items' in result && result.items ? { items: result.items.map((i) => taintResult(i, because)) } : {};
  return { ...result, ...items, withheld: { because } };
}

/** The result as it is recorded and shown. A withheld one keeps only how it went (RECORDED_OF_GIVEN), each of its
 *  streams, error and value reading MASK, a called runbook's outputs by name, each MASK; the rest is left out. */
export function recordedResult<R extends TaintableResult>(result: R): R {
  const w = result.withheld;
  const items = 'items' in result && result.items ? { items: result.items.map(recordedResult) } : {};
  const vars = recordedVars(result.vars);
  // A called runbook's outputs computed from a secret (engine/run-data.ts) are marked as a vars step's values are.
  const outputs = recordedVars(result.outputs);
  const marked = { ...(vars ? { vars } : {}), ...(outputs ? { outputs } : {}) };
  if (!w) return Object.keys(items).length || vars !== result.vars || outputs !== result.outputs ? { ...result, ...items, ...marked } : result;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...result, ...items })) if (RECORDED_OF_GIVEN.has(k)) out[k] = v;
  for (const field of MASKED_OF_GIVEN) if (typeof result[field] === 'string') out[field] = MASK;
  // The engine's refusal of a read it could not prove is the engine's word, said so the operator knows the step was
  // stopped, not what it met. A vouched text's own write refused by the server reads the same: a second failure
  // its code can choose (a bit beside the status); no route or retry reads it (language/results.ts namesStatusOnly).
  if (result.classification === NOT_READ_ONLY) out.classification = NOT_READ_ONLY;
  if (result.outputs) out.outputs = Object.fromEntries(Object.keys(result.outputs).map((k) => [k, MASK]));
  out.withheld = { because: w.because };
  return out as R;
}

/** Whether a step's result view (engine/scope.ts) is a withheld one: read whole, it is a secret's. */
export function isWithheldView(value: unknown): boolean {
  return value !== null && typeof value === 'object' && WITHHELD_VIEW in value;
}

/** A vars step's values (or a called runbook's outputs) as recorded: each computed from a secret reads MASK, whatever it holds (a 3-digit piece
 *  of a PIN, a list of its digits: values the redactor cannot mask by sight; a probe of stop 74 read a whole PIN
 *  back from the transcript). A resumed run computes them again (engine/vars.ts recomputeVars). */
function recordedVars(vars: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const secret = secretVarsOf(vars);
  if (!vars || !secret?.size) return vars;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, secret.has(k) ? MASK : v]));
}

/** What was withheld and why, in one line for the screen and the plain log (after 'withheld'). A record written
 *  before stop 80 holds sizes too: they are not shown. */
export function withheldLine(w: Withheld): string {
  return `given a secret (${w.because.join(', ')}): its output, exit code, counts and sizes are withheld`;
}
