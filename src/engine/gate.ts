// What the operator is shown before a destructive step: everything that decides what runs — the command or
// SQL with its values, where, the environment and directory of a script, its time limit, and how many runs
// the one answer covers (retries, wait polls) — then why and how much. Secrets are masked.
import { stepById, stepKind } from '../language/flow.js';
import type { RunbookDoc, StepDoc } from '../language/schema.js';
import type { Scope } from '../language/expression/index.js';
import { MASK, type Redactor } from '../secrets/redactor.js';
import type { ConfirmationRequested, GateItem } from './events.js';
import type { LoopItem, MachineContext } from './machine-types.js';
import { itemDetails, loopPlan } from './loop.js';
import { DEFAULT_TIMEOUT_MS, duration, prepareStep, type Prepared } from './prepare.js';
import { describeSshNow } from '../executors/remote-describe.js';
import { renderShown, renderTitle } from './render.js';
import { scopeOf } from './scope.js';
import { taintFor } from '../secrets/taint.js';
import { hostname } from 'node:os';
import { plural } from '../common/plural.js';
import { gateEvidence } from './gate-evidence.js';
import { approvalOf } from '../language/approval.js';
import { maskCommandCredentials } from '../secrets/command-credentials.js';

/** items: a for_each's list as the gate showed it; an approval covers exactly these (engine/run.ts). */
export interface PendingGate { stepId: string; askedAt: number; event: ConfirmationRequested; items?: LoopItem[] }

/** A name that suggests a credential. It decides nothing about what is shown (a value is masked because it holds
 *  a secret: it comes from a secret input, answer or capture): it only adds a note when such a value is shown,
 *  since COMPASS_DIR, AUTHOR_HOME and PRIVATE_DATA are paths the operator must see. */
const SECRET_NAME = /pass|secret|token|credential|private|api.?key|auth/i;

export function describeGate(doc: RunbookDoc, stepId: string, context: MachineContext, redactor: Redactor, target?: string): PendingGate {
  const step = stepById(doc, stepId)!;
  const scope = scopeOf(context, undefined, taintFor(redactor));
  const fill = (t: string | undefined) => {
    if (t === undefined) return undefined;
    try { return redactor.mask(renderShown(t, scope)); } catch (e) { return `${t} (${(e as Error).message})`; }
  };
  let command: string;
  let where = target;
  let shown: Partial<ConfirmationRequested> = {};
  let loop: GateLoop | undefined;
  try {
    if (stepKind(step) === 'runbook') {
      command = callCommand(step, scope);
    } else {
      loop = step.for_each ? gateLoop(doc, step, context, redactor) : undefined;
      const prepared = loop ? loop.first : prepareStep(doc, step, scope);
      command = loop ? `${prepared.command}\n-- for each of the ${plural(loop.items.length, 'item')} below (shown for item 1)` : prepared.command;
      // The password's place (up to the last '@': a mistyped password with a raw '@' is hidden whole), then every
      // known secret; a secret URL without a password is masked whole.
      // A part of the login from a secret (the user, the database) is the mask whole, by flow (url-secrets.ts).
      if (prepared.target) where = redactor.showUrl(prepared.login?.shown ?? prepared.target);
      // An SSH target as the client will reach it (ssh -G: user@host:port, and whether it checks the host key).
      const remote = prepared.action.kind === 'shell' ? prepared.action.remote : undefined;
      if (remote?.kind === 'ssh') where = redactor.mask(describeSshNow(remote));
      // A script with no target runs here, whatever database the run is about: naming the database's URL read as
      // "runs on the database host".
      else if (prepared.action.kind === 'shell' && !remote && !prepared.target) where = `this machine (${hostname()})`;
      shown = actionFields(prepared);
    }
  } catch (e) {
    command = `(cannot show the command: ${(e as Error).message})`;
  }
  // The same one-line title the step-started event carries.
  const title = redactor.mask(renderTitle(step.title, stepId, scope));
  const event: ConfirmationRequested = {
    type: 'confirmation-requested', stepId, title,
    command, // masked by flow where it was made (events/schema.ts, Shown)
    question: fill(step.confirm) ?? `Run '${title}'?`,
    risk: step.risk ?? 'normal',
    resumed: context.resumedStep === stepId,
    ...(context.resumedStep !== stepId && context.ranBeforeResume?.includes(stepId) ? { ranBefore: true } : {}),
    ...(where ? { target: redactor.mask(where) } : {}),
    ...shown,
    ...limits(step),
    ...(step.description ? { description: step.description } : {}),
    ...(step.blast_radius ? { blastRadius: fill(step.blast_radius)! } : {}),
    ...(loop ? { items: loop.shown.map((i) => ({ label: redactor.mask(i.label), detail: redactor.mask(i.detail) })) } : {}),
    ...(loop && loop.done ? { itemsDone: loop.done } : {}),
    ...evidenceOf(doc, step),
    ...approvalField(doc, step),
  };
  return { stepId, askedAt: Date.now(), event, ...(loop ? { items: loop.items } : {}) };
}

interface GateLoop { items: LoopItem[]; first: Prepared; shown: GateItem[]; done: number }

/** The for_each list the gate asks about. The machine only gates a list that is non-empty and can be acted on. */
function gateLoop(doc: RunbookDoc, step: StepDoc, context: MachineContext, redactor: Redactor): GateLoop {
  const plan = loopPlan(doc, step, context, undefined, taintFor(redactor));
  const resumed = context.resumedLoop?.stepId === step.id ? context.resumedLoop : undefined;
  const details = itemDetails(plan.prepared, plan.items);
  return {
    items: plan.items, first: plan.prepared[0]!,
    shown: plan.items.map((item, i) => ({ label: item.label, detail: details[i]! })),
    done: resumed ? Object.keys(resumed.done).length : 0,
  };
}

/** Connection name, a script's env values and working directory, as prepareShell showed them. */
function actionFields(prepared: Prepared): Partial<ConfirmationRequested> {
  const a = prepared.action;
  if (a.kind === 'sql') return { connection: a.connection };
  if (a.kind !== 'shell') return {};
  // Masked by flow where they were filled in (prepareShell), never again by value: a secret step's output equal to a
  // piece of the author's own path hid that piece (`in dir …/scratch****` for …/scratch/../victim: a probe of stop 72).
  const env = prepared.shown?.env ?? {};
  const notes = Object.entries(env).filter(([k, v]) => SECRET_NAME.test(k) && v !== '' && !v.includes(MASK))
    .map(([k]) => `${k} is shown: its name looks like a credential's, but its value comes from no secret input or capture`);
  return {
    ...(Object.keys(env).length ? { env } : {}), ...(notes.length ? { envNotes: notes } : {}),
    ...(prepared.shown?.cwd !== undefined ? { cwd: prepared.shown.cwd } : {}),
  };
}

/** The time limit and how many runs of the action this one approval covers: it is not asked again per retry
 *  or per poll (docs/confirmation.md). */
function limits(step: StepDoc): Pick<ConfirmationRequested, 'timeout' | 'attempts' | 'covers'> {
  const kind = stepKind(step);
  const untimed = kind === 'runbook' || kind === 'manual' || kind === 'prompt'; // a person is not timed out
  const timeout = untimed ? undefined : step.timeout !== undefined ? duration(step.timeout, '') : `${DEFAULT_TIMEOUT_MS / 1000}s (default)`;
  const attempts = step.retry?.attempts ?? 1;
  const parts: string[] = [];
  if (attempts > 1) {
    const on = step.retry?.on?.length ? ` after a failure classified ${step.retry.on.join(' or ')}` : ' after any failure';
    parts.push(`up to ${plural(attempts, 'attempt')} (retried${on}, backoff ${duration(step.retry?.backoff, '1s')} doubling)`);
  }
  if (step.wait) {
    parts.push(`every poll of the wait (every ${duration(step.wait.every, '5s')} for up to ${duration(step.wait.for, '5m')}, each limited to the timeout)`);
  }
  if (kind === 'runbook') parts.push("starting the called runbook; its own destructive steps ask again, one by one");
  return {
    ...(timeout ? { timeout } : {}),
    attempts,
    ...(parts.length ? { covers: `this approval covers ${parts.join(' and ')}` } : {}),
  };
}

function callCommand(step: StepDoc, scope: Scope): string {
  const call = step.runbook!;
  const inputs = Object.entries(call.inputs ?? {}).map(([k, v]) => `  ${k}: ${inputShown(typeof v === 'string' ? renderShown(v, scope) : String(v))}`);
  return [`runbook ${call.name}`, ...(inputs.length ? ['inputs:', ...inputs] : [])].join('\n');
}

/** A called runbook's input as one value on its own line: as it is when it is printable ASCII that starts and ends
 *  with a letter, digit or mark other than `"`; any other in JSON, its line breaks and quotes escaped. A captured
 *  `db1⏎  dry_run: true` drew an input the callee was never given, and it ran with its default (a probe of stop 80). */
const inputShown = (value: string): string => {
  // Credentials written in are masked first (the publish point masks the command, engine/command-mask.ts): in JSON,
  // `x⏎PGPASSWORD=pw` reads `x\nPGPASSWORD=pw`, where no name starts a word.
  const v = maskCommandCredentials(value);
  return /^(?!")[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(v) ? v : JSON.stringify(v);
};

function evidenceOf(doc: RunbookDoc, step: StepDoc): Pick<ConfirmationRequested, 'evidence'> {
  const evidence = gateEvidence(doc, step);
  return evidence.length ? { evidence } : {};
}

/** Four eyes at this gate: the step's `approval:`, or its runbook's (language/approval.ts). */
function approvalField(doc: RunbookDoc, step: StepDoc): Partial<ConfirmationRequested> {
  const approval = approvalOf(doc, step);
  return approval ? { approval: { by: approval.by } } : {};
}
