// Runbook → xstate machine. One state per step; a destructive step gets an awaitingConfirmation state
// (CONFIRM / SKIP / ABORT), and so does a vouched one, entered only when a resume finds it in flight; end steps
// and the failed/aborted/finished states are final.
import { assign, emit, fromPromise, setup } from 'xstate';
import type { StepResult } from '../executors/types.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import { edgesOf, FALL_OFF, stepById, stepKind, type Edge } from '../language/flow.js';
import { DEFAULT_MAX_VISITS } from '../language/validate/graph-check.js';
import type { RunEvent } from './events.js';
import { scopeOf as scopeFor } from './scope.js';
import type { Taint } from '../language/expression/index.js';
import { renderShown, test } from './render.js';
import { own, setOwn } from '../common/own.js';
import { loopNeedsNoGate } from './loop.js';
import { vouchedFor } from '../language/vouched.js';
import { conditionOf, decideRoute, BROKEN } from './route-of.js';
import { ABORTED, FAILED, FINISHED, PHASE, type MachineContext, type MachineEvent, type MachineOutput, type StepInput } from './machine-types.js';
import { plural } from '../common/plural.js';
import { recordedResult } from '../secrets/step-taint.js';
import { isSecretStep } from './secret-step.js';
import { SECRET_ROUTE, SecretRoute, valueKeysOfSecret } from './secret-route.js';
import { namesStatusOnly } from '../language/results.js';

export type { MachineContext } from './machine-types.js';

const stepOf = (doc: RunbookDoc, id: string): StepDoc => stepById(doc, id)!;

/** Runs one step for the machine; the run supplies it (engine/run.ts). */
export type ExecuteStep = (input: StepInput, signal: AbortSignal) => Promise<StepResult>;

const NONE: ReadonlySet<string> = new Set();
const noExecutor: ExecuteStep = async () => ({ status: 'failed', durationMs: 0, error: 'no executor provided' });

/** Given at compile time rather than through machine.provide(), which builds every state node again. `taint`
 *  (the run's redactor, secrets/taint.ts): values the machine computes from secrets (a branch value, an end
 *  message) are secrets too. */
export function compileRunbook(doc: RunbookDoc, executeStep: ExecuteStep = noExecutor, taint?: Taint, skip: ReadonlySet<string> = NONE) {
  const scopeOf = (context: MachineContext, result?: StepResult) => scopeFor(context, result, taint);
  const machineSetup = setup({
    types: {
      context: {} as MachineContext,
      events: {} as MachineEvent,
      input: {} as MachineContext,
      output: {} as MachineOutput,
      emitted: {} as RunEvent,
    },
    actors: {
      executeStep: fromPromise<StepResult, StepInput>(({ input, signal }) => executeStep(input, signal)),
    },
    guards: {
      overVisited: ({ context }, p: { stepId: string }) =>
        (own(context.visits, p.stepId) ?? 0) > (stepOf(doc, p.stepId).max_visits ?? DEFAULT_MAX_VISITS),
      loopNeedsNoGate: ({ context }, p: { stepId: string }) => loopNeedsNoGate(doc, stepOf(doc, p.stepId), context, taint),
      resumedHere: ({ context }, p: { stepId: string }) => context.resumedStep === p.stepId || context.ranBeforeResume?.includes(p.stepId) === true,
      // The same reading of an `if` as a resumed run's check makes (route-of.ts); `broken` is asked first.
      conditionFalse: ({ context }, p: { index: number }) => conditionOf(doc, p.index, context, taint) === false,
      // A route out of a step is the one route-of.ts decides (a resumed run's check asks it too); the guards'
      // names and keys are what `runbook graph` draws (graph.ts).
      onMatches: ({ context }, p: { index: number; route: number }) => decideRoute(doc, p.index, context, taint) === p.route,
      secretValueRoute: ({ context }, p: { stepId: string }) => secretValueKeys(doc, p.stepId, context).length > 0,
      failed: ({ context }, p: { index: number }) => decideRoute(doc, p.index, context, taint) === FAILED,
      branch: ({ context }, p: { index: number; route: number }) => decideRoute(doc, p.index, context, taint) === p.route,
      // An `if` that cannot be evaluated, checked before conditionFalse reads it, so that it never throws in xstate.
      broken: ({ context }, p: { stepId: string; expressions: string[]; withResult: boolean; index?: number }) =>
        (p.index !== undefined ? decideRoute(doc, p.index, context, taint) === BROKEN : brokenExpression(p, context, taint) !== undefined),
    },
    actions: {
      // visits, results and captures are updated in place: the run owns them, nothing keeps an old
      // snapshot's copy, and copying them on every step made a long run quadratic.
      countVisit: assign(({ context }, p: { stepId: string }) => {
        setOwn(context.visits, p.stepId, (own(context.visits, p.stepId) ?? 0) + 1);
        return { visits: context.visits };
      }),
      // The step that was in flight is an ordinary step again once it has a result: a later visit is not resumed.
      recordResult: assign(({ context }, p: { stepId: string; result: StepResult }) =>
        ({ ...record(context, doc, p.stepId, p.result), ...(context.resumedStep === p.stepId ? { resumedStep: undefined } : {}) })),
      emitSkipped: emit((_, p: { stepId: string; reason: 'condition' | 'operator'; detail?: string }) =>
        ({ type: 'step-skipped' as const, stepId: p.stepId, reason: p.reason, ...(p.detail ? { detail: p.detail } : {}) })),
      emitBranch: emit(({ context }, p: { from: string; to: string; via: Edge['via'] | 'failure'; expression?: string }) => ({
        type: 'branch' as const, from: p.from, to: p.to, via: p.via,
        // test() refuses a condition a secret flowed into, so the value a branch line shows is no secret's.
        ...(p.expression !== undefined ? { expression: p.expression, value: test(p.expression, scopeOf(context, own(context.results, p.from))).raw } : {}),
      })),
      finish: assign(({ context }, p: { outcome: MachineOutput['outcome']; stepId?: string; message?: string }) => ({
        outcome: p.outcome, endStep: p.stepId,
        message: p.message !== undefined ? safeRender(p.message, context, taint) : context.message ?? '',
      })),
    },
  });

  const states: Record<string, object> = {};
  doc.steps.forEach((step, i) => {
    const { ending, ...state } = stepState(doc, step, i, taint, skip.has(step.id)) as { ending?: object };
    states[step.id] = state;
    if (ending) states[endingOf(step.id)] = ending;
  });
  states[FAILED] = { id: FAILED, type: 'final' };
  states[ABORTED] = { id: ABORTED, type: 'final' };
  states[FINISHED] = {
    id: FINISHED, type: 'final',
    entry: { type: 'finish', params: { outcome: 'resolved', message: 'Every step ran; the runbook has no end step saying what was found.' } },
  };

  return machineSetup.createMachine({
    id: doc.name,
    context: ({ input }) => input,
    initial: doc.steps[0]!.id,
    on: {
      ABORT: { target: `#${ABORTED}`, actions: { type: 'finish', params: ({ event }) => ({ outcome: event.outcome ?? 'aborted', message: event.reason ?? 'Aborted by the operator.' }) } },
    },
    states: states as never,
    output: ({ context }) => ({ outcome: context.outcome ?? 'failed', message: context.message ?? '', stepId: context.endStep }),
  });
}

export type RunbookMachine = ReturnType<typeof compileRunbook>;

function stepState(doc: RunbookDoc, step: StepDoc, i: number, taint: Taint | undefined, skipped: boolean): object {
  const stepId = step.id;
  if (stepKind(step) === 'end') {
    const final = { type: 'final', entry: { type: 'finish', params: { outcome: step.end, stepId, message: step.message ?? '' } } };
    return step.if === undefined ? { id: stepId, ...final } : guardedEnd(doc, step, i, final, taint);
  }
  const p = { stepId };
  const vouched = vouchedFor(step);
  return {
    id: stepId,
    initial: PHASE.enter,
    states: {
      [PHASE.enter]: {
        entry: { type: 'countVisit', params: p },
        always: [
          { guard: { type: 'overVisited', params: p }, target: `#${FAILED}`,
            actions: { type: 'finish', params: { outcome: 'failed', stepId, message: `Step '${stepId}' was entered more than ${plural(step.max_visits ?? DEFAULT_MAX_VISITS, 'time')}; stopping the loop.` } } },
          ...brokenGuard(stepId, step.if === undefined ? [] : [step.if], false, taint),
          { guard: { type: 'conditionFalse', params: { index: i } }, target: PHASE.route,
            actions: [{ type: 'recordResult', params: { stepId, result: { status: 'skipped', durationMs: 0 } } }, { type: 'emitSkipped', params: { stepId, reason: 'condition' } }] },
          // --skip: the gate's `s` answer given before the run, for any step; the step never runs, its skip route is taken.
          ...(skipped ? [{ target: PHASE.route, actions: skippedByOperator(stepId, UP_FRONT) }] : []),
          // A destructive for_each with no items to approve (or a list it cannot act on) has no gate: the runner
          // acts only on items a gate approved, so it runs nothing and reports why.
          ...(step.destructive && step.for_each ? [{ guard: { type: 'loopNeedsNoGate', params: p }, target: PHASE.run }] : []),
          // A vouched step (not proven to only read) that was in flight when the run stopped may have partly
          // run, and one that ran before it is reached again (a loop, or a runbook changed with --accept-changed):
          // resume asks before running it again, as for a destructive one. A proven read just runs again.
          ...(vouched ? [{ guard: { type: 'resumedHere', params: p }, target: PHASE.gate }] : []),
          { target: step.destructive ? PHASE.gate : PHASE.run },
        ],
      },
      ...(step.destructive || vouched ? { [PHASE.gate]: gateState(stepId) } : {}),
      [PHASE.run]: {
        invoke: {
          id: `step:${stepId}`,
          src: 'executeStep',
          input: ({ context }: { context: MachineContext }) => ({ stepId, context }),
          onDone: { target: PHASE.route, actions: { type: 'recordResult', params: ({ event }: { event: { output: StepResult } }) => ({ stepId, result: event.output }) } },
          onError: { target: PHASE.route, actions: { type: 'recordResult', params: ({ event }: { event: { error: unknown } }) => ({ stepId, result: crashed(event.error) }) } },
        },
      },
      [PHASE.route]: { always: routes(doc, step, i, taint) },
    },
  };
}

/** An end step with `if`: it ends the run only when `if` holds; otherwise it is skipped like any step and the run
 *  takes its one edge, to the following step (flow.ts). Final states must be top-level to end the machine, so the
 *  ending itself is a sibling state, `__end:<id>` (step ids start with a letter). */
export const endingOf = (stepId: string) => `__end:${stepId}`;

function guardedEnd(doc: RunbookDoc, step: StepDoc, i: number, final: object, taint: Taint | undefined): object {
  const stepId = step.id;
  const p = { stepId };
  const [edge] = edgesOf(doc, i);
  const to = edge!.to === FALL_OFF ? `#${FINISHED}` : `#${edge!.to}`;
  return {
    id: stepId,
    entry: { type: 'countVisit', params: p },
    always: [
      ...brokenGuard(stepId, [step.if!], false, taint),
      { guard: { type: 'conditionFalse', params: { index: i } }, target: to,
        actions: [{ type: 'recordResult', params: { stepId, result: { status: 'skipped', durationMs: 0 } } }, { type: 'emitSkipped', params: { stepId, reason: 'condition' } },
          { type: 'emitBranch', params: { from: stepId, to: edge!.to, via: 'then' } }] },
      { target: `#${endingOf(stepId)}` },
    ],
    ending: { id: endingOf(stepId), ...final },
  };
}

function gateState(stepId: string): object {
  return {
    on: {
      CONFIRM: { guard: ({ event }: { event: { stepId: string } }) => event.stepId === stepId, target: PHASE.run },
      SKIP: {
        guard: ({ event }: { event: { stepId: string } }) => event.stepId === stepId, target: PHASE.route,
        actions: skippedByOperator(stepId),
      },
    },
  };
}

/** The `step-skipped` detail of a step skipped with --skip rather than at its gate. */
const UP_FRONT = 'with --skip';

function skippedByOperator(stepId: string, detail?: string): object[] {
  return [{ type: 'recordResult', params: { stepId, result: { status: 'skipped', durationMs: 0, value: 'skipped by operator' } } },
    { type: 'emitSkipped', params: { stepId, reason: 'operator', ...(detail ? { detail } : {}) } }];
}

/** `on` first, then an unhandled failure ends the run, then `next` branches and the fall-through. */
function routes(doc: RunbookDoc, step: StepDoc, i: number, taint: Taint | undefined): object[] {
  const from = step.id;
  const target = (to: string) => (to === FALL_OFF ? `#${FINISHED}` : `#${to}`);
  const edges = edgesOf(doc, i).map((e, route) => ({ ...e, route }));
  const onEdges = edges.filter((e) => e.via === 'on').map((e) => ({
    guard: { type: 'onMatches', params: { index: i, route: e.route, key: e.label! } }, target: target(e.to),
    actions: { type: 'emitBranch', params: { from, to: e.to, via: 'on' } },
  }));
  const failure = {
    guard: { type: 'failed', params: { index: i } }, target: `#${FAILED}`,
    actions: [{ type: 'emitBranch', params: { from, to: FAILED, via: 'failure' } },
      { type: 'finish', params: ({ context }: { context: MachineContext }) => ({ outcome: 'failed', stepId: from, message: failureMessage(from, own(context.results, from)) }) }],
  };
  const nextEdges = edges.filter((e) => e.via !== 'on').map((e) => ({
    ...(e.label !== undefined ? { guard: { type: 'branch', params: { index: i, route: e.route, expression: e.label } } } : {}),
    target: target(e.to),
    actions: { type: 'emitBranch', params: { from, to: e.to, via: e.via, ...(e.label !== undefined ? { expression: e.label } : {}) } },
  }));
  const expressions = edges.flatMap((e) => (e.via !== 'on' && e.label !== undefined ? [e.label] : []));
  return [...secretValueGuard(doc, step), ...onEdges, failure, ...brokenGuard(from, expressions, true, taint, i), ...nextEdges];
}

/** `on` keys matched against the value of a step whose value the record withholds: the run stops before routing,
 *  taken or not (engine/secret-route.ts), naming the keys, never the value. */
function secretValueGuard(doc: RunbookDoc, step: StepDoc): object[] {
  if (!Object.keys(step.on ?? {}).some((k) => !namesStatusOnly(k))) return [];
  const stepId = step.id;
  return [{
    guard: { type: 'secretValueRoute', params: { stepId } }, target: `#${FAILED}`,
    actions: { type: 'finish', params: ({ context }: { context: MachineContext }) => ({ outcome: 'failed', stepId,
      message: `Step '${stepId}': its on: keys ${secretValueKeys(doc, stepId, context).map((k) => `'${k}'`).join(', ')} route on its value or how it failed: ${SECRET_ROUTE}` }) },
  }];
}

function secretValueKeys(doc: RunbookDoc, stepId: string, context: MachineContext): string[] {
  const step = stepOf(doc, stepId);
  return valueKeysOfSecret(step.on, own(context.results, stepId), isSecretStep(step));
}

/** A transition to the failed state, taken when one of a step's expressions cannot be evaluated with the run's
 *  data (a regex from an input that does not compile, say): the run ends naming the step and the expression. */
function brokenGuard(stepId: string, expressions: string[], withResult: boolean, taint: Taint | undefined, index?: number): object[] {
  if (expressions.length === 0) return [];
  const params = { stepId, expressions, withResult, ...(index !== undefined ? { index } : {}) };
  return [{
    guard: { type: 'broken', params }, target: `#${FAILED}`,
    actions: { type: 'finish', params: ({ context }: { context: MachineContext }) => ({ outcome: 'failed', stepId, message: brokenExpression(params, context, taint) }) },
  }];
}

function brokenExpression(p: { stepId: string; expressions: string[]; withResult: boolean }, context: MachineContext, taint: Taint | undefined): string | undefined {
  const scope = scopeFor(context, p.withResult ? own(context.results, p.stepId) : undefined, taint);
  for (const expression of p.expressions) {
    try {
      test(expression, scope);
    } catch (e) {
      const verb = e instanceof SecretRoute ? 'will not route on' : 'cannot evaluate';
      return `Step '${p.stepId}': ${verb} '${expression}': ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** The run's ending says why a step failed as the record does: a step given a secret has its error withheld here
 *  as in its record (two probes of stop 78: a view's SIGNAL carrying a password verifier, and `invalid input syntax
 *  for type integer: "z48q"` of a bound PIN, were masked on the step's line and printed whole in the ending). */
function failureMessage(stepId: string, reported: StepResult | undefined): string {
  const r = reported && recordedResult(reported);
  const why = r?.error ?? (r?.exitCode !== undefined && r.exitCode !== null ? `exit code ${r.exitCode}` : r?.status ?? 'failed');
  return `Step '${stepId}' ${r?.status === 'timeout' ? 'timed out' : 'failed'}: ${why}`;
}

function record(context: MachineContext, doc: RunbookDoc, stepId: string, result: StepResult): Partial<MachineContext> {
  const capture = stepOf(doc, stepId).capture;
  setOwn(context.results, stepId, result);
  if (capture) setOwn(context.captures, capture, stepId);
  // A resumed for_each's recorded list served its one visit; a later visit works its list out afresh.
  if (context.resumedLoop?.stepId === stepId) return { results: context.results, captures: context.captures, resumedLoop: undefined };
  return { results: context.results, captures: context.captures };
}

function crashed(error: unknown): StepResult {
  return { status: 'failed', durationMs: 0, classification: 'other', error: `internal error: ${error instanceof Error ? error.message : String(error)}` };
}

function safeRender(text: string, context: MachineContext, taint: Taint | undefined): string {
  try {
    return renderShown(text, scopeFor(context, undefined, taint));
  } catch (e) {
    return `${text} (could not fill in: ${(e as Error).message})`;
  }
}
