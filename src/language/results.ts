// What a step's result can be, as far as routing sees it, and how an `on` key matches a result. One place for
// the compiler (its guards), the validator (which `on` keys can ever match) and `runbook test`'s coverage (which
// routes a run can take): they cannot disagree about what routes where.
import { CLASSIFICATIONS, OUTCOMES, type StepDoc } from './schema.js';
import { edgesOf, stepKind } from './flow.js';
import type { RunbookDoc } from './schema.js';

/** The fields of a step result that `on` reads. */
export interface RoutedResult { status: string; classification?: string | undefined; value?: string | undefined }

/** Statuses that are failures: `error` matches them, and one no `on` key routes ends the run failed. */
export const FAILING: ReadonlySet<string> = new Set(['failed', 'timeout', 'aborted']);

/** The step's result matches an `on` key: classification, choice/value, status, or `error` for any failure.
 *  `ok` means the step succeeded: a wait that timed out after a poll classified ok is not ok. */
export function onMatches(key: string, r: RoutedResult | undefined): boolean {
  if (!r) return false;
  if (key === 'error') return FAILING.has(r.status);
  if (key === 'ok') return r.status === 'ok';
  return key === r.classification || key === r.value || key === r.status;
}

/** `on` keys that name how a step went (its status, classification, a called runbook's ending), which the record
 *  shows; any other key is matched against the step's value (a prompt's answer, a choice), which may be a secret's
 *  (engine/secret-route.ts, validate/route-check.ts). */
export function namesStatus(key: string): boolean {
  return STATUS_KEYS.has(key);
}
const STATUS_KEYS: ReadonlySet<string> = new Set<string>(['ok', 'error', 'failed', 'timeout', 'skipped', 'aborted', ...CLASSIFICATIONS, ...OUTCOMES]);

/** What the record and a route may tell of a step given a secret: how it went (ok, failed, timed out, skipped) and
 *  how long it took, which an operator watching it sees anyway. Every other field of its result is one its code or
 *  server chose, and so may spell the secret: what it printed, and its exit code, signal, classification, row
 *  count, column names and every size (a probe of stop 80: `exit $((pin % 256))` recorded exit code 145,
 *  `printf '%*s' "$pin"` an outputBytes of 482193, the PIN itself). An allowlist: a field a result gains later is
 *  withheld until it is reviewed here. `ok` is the view's (engine/scope.ts), the status again. secrets/step-taint.ts
 *  records by it, the evaluator's taint (secrets/taint.ts) and validate (validate/route-check.ts) read by it. */
export const SHOWN_OF_GIVEN: ReadonlySet<string> = new Set(['status', 'ok', 'durationMs']);

/** `on` keys that name a step's status alone: all a step given a secret may route on. Its classification is read
 *  from what its code printed or how it exited (a server's SQLSTATE, an exit code), which the code chooses from the
 *  secret, so it is withheld with them (SHOWN_OF_GIVEN above; a probe of stop 80). */
export function namesStatusOnly(key: string): boolean {
  return STATUS_ONLY.has(key);
}
const STATUS_ONLY: ReadonlySet<string> = new Set<string>(['ok', 'error', 'failed', 'timeout', 'skipped', 'aborted']);

/** Why a route may not read a secret, as the run and validate both say it. */
export const ROUTE_SHOWN = 'a route is shown on the screen and in the record, so it may read only what the record shows '
  + '(a step\'s status, exit code, classification or counts, whether an input was given; of a step given a secret, its status alone)';

/** The `on` key that routes this result: the first, in the order written, that matches it. */
export function routingKey(step: StepDoc, r: RoutedResult): string | undefined {
  return Object.keys(step.on ?? {}).find((k) => onMatches(k, r));
}

/** An answer to a prompt without choices that no `on` key names: such an answer is always possible. */
const OTHER_ANSWER = '\u0000any other answer';

/** Every result the step can route on, one per distinct way it can match `on` keys. `aborted` is not among them:
 *  an abort (at a gate, Ctrl-C, a lost terminal, one inside a called runbook) stops the whole run before anything
 *  routes. Results a dry run shows (`value: dry-run`) route as `ok`. */
export function possibleResults(step: StepDoc): RoutedResult[] {
  const kind = stepKind(step);
  if (kind === 'end' || kind === undefined) return [];
  const out: RoutedResult[] = [];
  // Skipped: by a false `if`, or by the operator at a destructive step's gate.
  if (step.if !== undefined || step.destructive === true) out.push({ status: 'skipped' });
  if (kind === 'manual' || kind === 'prompt') {
    const choices = step.prompt ? step.prompt.choices : typeof step.manual === 'object' ? step.manual.choices : undefined;
    const free = kind === 'prompt' && !choices;
    const values = free ? [...Object.keys(step.on ?? {}), OTHER_ANSWER] : choices ?? ['done'];
    out.push(...values.map((value) => ({ status: 'ok', value })));
    // No answer before the run's deadline, or the question could not be asked.
    out.push({ status: 'failed', classification: 'other' }, { status: 'timeout', classification: 'timeout' });
    return out;
  }
  if (kind === 'runbook') {
    // The called runbook's ending; a call that cannot start (inputs it refuses) fails with no ending.
    out.push({ status: 'ok', value: 'resolved' }, ...OUTCOMES.filter((o) => o !== 'resolved').map((value) => ({ status: 'failed', value })));
    out.push({ status: 'failed' }, { status: 'timeout' });
    return out;
  }
  out.push({ status: 'ok', ...(kind === 'probe' ? { classification: 'ok' } : {}) });
  // A vars step fails only when a value cannot be computed; every other kind can fail in any classified way
  // (a shell step on a target: the target's classifications) or time out.
  const failures = kind === 'vars' ? ['other'] : CLASSIFICATIONS.filter((c) => c !== 'ok' && c !== 'timeout');
  out.push(...failures.map((classification) => ({ status: 'failed', classification })));
  if (kind !== 'vars') out.push({ status: 'timeout', classification: 'timeout' });
  return out;
}

/** The `on` keys the step's results can match, for did-you-mean; undefined when any key can (a prompt
 *  without choices: the operator may answer it). */
export function matchableKeys(step: StepDoc): string[] | undefined {
  if (step.prompt && !step.prompt.choices) return undefined;
  const results = possibleResults(step);
  const keys = new Set<string>();
  for (const r of results) {
    for (const k of [r.status, r.classification, r.value]) if (k !== undefined) keys.add(k);
    if (FAILING.has(r.status)) keys.add('error');
  }
  return [...keys];
}

/** Why a route out of the step can never be taken, or undefined when some result takes it. `key` is an `on`
 *  key; without it, the route is a `next` branch or the fall-through, taken by a result no `on` key routes
 *  that does not fail. */
export function neverTaken(step: StepDoc, key?: string): string | undefined {
  const results = possibleResults(step);
  if (key === undefined) {
    if (results.some((r) => routingKey(step, r) === undefined && !FAILING.has(r.status))) return undefined;
    return 'its `on` keys route every result that does not fail';
  }
  if (results.some((r) => routingKey(step, r) === key)) return undefined;
  if (key === 'aborted') return 'an abort stops the whole run before any route is taken';
  const matching = results.filter((r) => onMatches(key, r));
  if (matching.length === 0) return 'no result of this step can match it';
  const earlier = [...new Set(matching.map((r) => routingKey(step, r)!))];
  return `the earlier \`on\` key${earlier.length > 1 ? 's' : ''} ${earlier.map((k) => `'${k}'`).join(', ')} take${earlier.length > 1 ? '' : 's'} every result it matches; put it first`;
}

/** For each edge out of step i (flow.ts edgesOf, same order), why no run can take it, or undefined when some
 *  result does. `runbook test`'s coverage and the validator's path analyses (capture-check.ts) read this one
 *  answer, so a path coverage calls impossible never draws a warning either. */
const nevers = new WeakMap<RunbookDoc, (string | undefined)[][]>();

export function edgesNeverTaken(doc: RunbookDoc, i: number): (string | undefined)[] {
  let known = nevers.get(doc);
  if (!known) nevers.set(doc, known = []);
  return known[i] ??= edgesNeverFor(doc, i);
}

function edgesNeverFor(doc: RunbookDoc, i: number): (string | undefined)[] {
  const step = doc.steps[i]!;
  const edges = edgesOf(doc, i);
  // An end step's one edge is its `if` being false: taken whenever that can be.
  if (stepKind(step) === 'end') return edges.map(() => undefined);
  const firstAlways = edges.findIndex((e) => e.via === 'next' && e.label === undefined);
  return edges.map((edge, j) => (edge.via === 'on' ? neverTaken(step, edge.label!)
    : firstAlways >= 0 && j > firstAlways ? 'an earlier branch without `if` is always taken first'
      : neverTaken(step)));
}
