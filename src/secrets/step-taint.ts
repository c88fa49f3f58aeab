// Secrets by where they flowed (issue #46). A step whose code is given a secret (a template value in its script,
// an env: variable, its working directory, an SQL parameter) may print it in any encoding at all: od -c, rot13,
// upper($1) in a server's error. No list of encodings covers that, so everything such a step's code or server
// returned is withheld from every record (transcript, report, --json, store): the record keeps its size and
// says which secret the step was given. No hash of it: a step that prints a short secret would make the hash a
// hash of the secret, and a 6-digit PIN came back from its sha256 in a second (a probe of stop 69). The engine still reads the real values (to branch, to fill
// later templates), and whatever it reads from them is tainted in turn (language/expression/evaluate.ts: a
// withheld result is a whole source). The engine's own use of a secret (a driver's login, a probe's URL) gives
// no step's code anything, so it taints nothing.
import { MASK } from './redactor.js';

/** What the record keeps of a field it withholds: its size, as it keeps a step's status and counts. */
export interface Digest { bytes: number }
/** What a step given a secret returned, withheld from every record: what it was given, and each field's digest. */
export interface Withheld { because: string[]; stdout?: Digest; stderr?: Digest; error?: Digest; value?: Digest; rows?: Digest; outputs?: Digest; details?: Digest }

/** The fields of a step's result (executors/types.ts StepResult, an item's too) that this reads: described here,
 *  below the executors, which import this folder. */
interface TaintableResult {
  stdout?: string; stderr?: string; error?: string; value?: string;
  rows?: Record<string, unknown>[]; outputs?: Record<string, unknown>; details?: Record<string, unknown>;
  items?: TaintableResult[]; withheld?: Withheld; vars?: Record<string, unknown>;
  /** What the server said the step's read reached (db/pg-secret-reach.ts): given as if by the step's text. */
  secretsRead?: string[];
}

/** Marks the view expressions read of a withheld result (engine/scope.ts): reading one of WITHHELD_FIELDS from it
 *  is reading a secret. */
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

/** The fields of a result (and its view's `output`) that come from the step's code or server. */
// details: a probe's evidence (the address it tried, a certificate's names), given a secret in its host or port.
export const WITHHELD_FIELDS: ReadonlySet<string> = new Set(['stdout', 'stderr', 'output', 'error', 'value', 'rows', 'outputs', 'items', 'details']);

export function digestOf(text: string): Digest {
  return { bytes: Buffer.byteLength(text) };
}

/** The result of a step given the secrets `because` names: real values kept (the engine reads them), and what
 *  each withheld field was, for the record. Status, exit code, classification, counts and column names stay. */
export function taintResult<R extends TaintableResult>(reported: R, given: string[]): R {
  const { secretsRead, ...own } = reported;
  const result = own as R;
  const because = [...new Set([...given, ...(secretsRead ?? [])])];
  if (because.length === 0 || result.details?.dryRun === true) return result;
  const w: Withheld = { because };
  for (const field of ['stdout', 'stderr', 'error', 'value'] as const) {
    const v = result[field];
    if (typeof v === 'string' && v !== '') w[field] = digestOf(v);
  }
  if (result.rows?.length) w.rows = digestOf(JSON.stringify(result.rows));
  if (result.outputs && Object.keys(result.outputs).length) w.outputs = digestOf(JSON.stringify(result.outputs));
  if (result.details && Object.keys(result.details).length) w.details = digestOf(JSON.stringify(result.details));
  const items = 'items' in result && result.items ? { items: result.items.map((i) => taintResult(i, because)) } : {};
  return { ...result, ...items, withheld: w };
}

/** The result as it is recorded and shown: each withheld field reads MASK (a resume that would act on one refuses,
 *  resume/lost-values.ts); a row keeps its columns, each cell masked. */
export function recordedResult<R extends TaintableResult>(result: R): R {
  const w = result.withheld;
  const items = 'items' in result && result.items ? { items: result.items.map(recordedResult) } : {};
  const vars = recordedVars(result.vars);
  // A called runbook's outputs computed from a secret (engine/run-data.ts) are marked as a vars step's values are.
  const outputs = recordedVars(result.outputs);
  const marked = { ...(vars ? { vars } : {}), ...(outputs ? { outputs } : {}) };
  if (!w) return Object.keys(items).length || vars !== result.vars || outputs !== result.outputs ? { ...result, ...items, ...marked } : result;
  const out: R = { ...result, ...items, ...marked };
  for (const field of ['stdout', 'stderr', 'error', 'value'] as const) if (w[field]) out[field] = MASK;
  if (w.rows && result.rows) out.rows = result.rows.map((row) => Object.fromEntries(Object.keys(row).map((k) => [k, MASK])));
  if (w.outputs && result.outputs) out.outputs = Object.fromEntries(Object.keys(result.outputs).map((k) => [k, MASK]));
  if (w.details && result.details) out.details = Object.fromEntries(Object.keys(result.details).map((k) => [k, MASK]));
  return out;
}

/** A vars step's values (or a called runbook's outputs) as recorded: each computed from a secret reads MASK, whatever it holds (a 3-digit piece
 *  of a PIN, a list of its digits: values the redactor cannot mask by sight; a probe of stop 74 read a whole PIN
 *  back from the transcript). A resumed run computes them again (engine/vars.ts recomputeVars). */
function recordedVars(vars: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const secret = secretVarsOf(vars);
  if (!vars || !secret?.size) return vars;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, secret.has(k) ? MASK : v]));
}

/** What was withheld and why, in one line for the screen and the plain log (after 'withheld'). */
export function withheldLine(w: Withheld): string {
  const sizes = (['stdout', 'stderr', 'error', 'value', 'rows', 'outputs'] as const)
    .flatMap((f) => (w[f] ? [`${f} ${w[f]!.bytes} B`] : []));
  return `given a secret (${w.because.join(', ')})${sizes.length ? `; ${sizes.join(', ')}` : '; it printed nothing'}`;
}
