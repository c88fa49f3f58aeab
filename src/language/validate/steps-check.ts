// Per-step rules the schema cannot say: one action per step, unique ids, fields that only fit some kinds.
import type { RunbookDoc, StepDoc } from '../schema.js';
import { STEP_KINDS } from '../schema.js';
import { FUNCTIONS, hasTemplate } from '../expression/index.js';
import { loopVar } from '../sites.js';
import { RESERVED_ROOTS } from './expression-check.js';
import { didYouMean } from '../suggest.js';
import type { Reporter } from './context.js';
import { approvalOf } from '../approval.js';

export function checkSteps(doc: RunbookDoc, report: Reporter): void {
  const seen = new Map<string, number>();
  doc.steps.forEach((step, i) => {
    const base = `/steps/${i}`;
    const first = seen.get(step.id);
    if (first !== undefined) {
      report.error('duplicate-id', `${base}/id`, `step id '${step.id}' is used twice (first at step ${first + 1}); ids must be unique`);
    } else {
      seen.set(step.id, i);
    }
    checkKind(step, base, report);
    checkFields(step, base, doc, report);
  });
  if (doc.approval !== undefined && !doc.steps.some((s) => approvalOf(doc, s) !== undefined)) {
    // Four eyes asked for and never applied: the author may believe a second person guards something here.
    report.warn('misplaced-key', '/approval', "'approval' covers this runbook's destructive steps, and it has none that it covers (a runbook it calls follows its own)", 'key');
  }
}

function checkKind(step: StepDoc, base: string, report: Reporter): void {
  const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
  if (kinds.length === 0) {
    report.error('no-action', `${base}/id`, `step '${step.id}' does nothing: give it one of ${STEP_KINDS.join(', ')}`);
  } else if (kinds.length > 1) {
    report.error('many-actions', `${base}/${kinds[1]}`, `step '${step.id}' has both '${kinds[0]}' and '${kinds[1]}'; a step does one thing — split it in two`, 'key');
  }
}

function checkFields(step: StepDoc, base: string, doc: RunbookDoc, report: Reporter): void {
  const only = (field: keyof StepDoc, kinds: string, ok: boolean) => {
    if (step[field] !== undefined && !ok) report.error('misplaced-key', `${base}/${field}`, `'${field}' only belongs on ${kinds} steps (step '${step.id}')`, 'key');
  };
  only('with', 'probe', step.probe !== undefined);
  only('message', 'end', step.end !== undefined);
  if (step.end !== undefined) {
    for (const f of ['next', 'on', 'retry', 'capture', 'destructive'] as const) {
      if (step[f] !== undefined) report.error('misplaced-key', `${base}/${f}`, `'${f}' has no meaning on an end step (step '${step.id}')`, 'key');
    }
  }
  if (step.vars !== undefined) {
    // A vars step runs nothing: it cannot fail in a way worth retrying or time out, and has nothing to confirm.
    for (const f of ['destructive', 'retry', 'timeout', 'for_each', 'target', 'confirm', 'risk', 'blast_radius', 'secret'] as const) {
      if (step[f] !== undefined) report.error('misplaced-key', `${base}/${f}`, `'${f}' has no meaning on a vars step (step '${step.id}'): it runs nothing, it computes values`, 'key');
    }
    if (Object.keys(step.vars).length === 0) report.error('empty-vars', `${base}/vars`, `vars step '${step.id}' defines no values`);
  }
  if (step.safe_because !== undefined && step.destructive !== false) {
    report.error('misplaced-key', `${base}/safe_because`, `'safe_because' goes with 'destructive: false' (step '${step.id}')`, 'key');
  }
  if (step.approval !== undefined && step.destructive !== true) {
    // An approval asked at a gate the step does not have would silently never be asked.
    report.error('misplaced-key', `${base}/approval`, `'approval' needs 'destructive: true': only a gated step waits for a second person (step '${step.id}')`, 'key');
  } else if (step.approval === false && doc.approval === undefined) {
    // An exemption from nothing: the author may believe the runbook asks for four eyes when it does not.
    report.error('misplaced-key', `${base}/approval`, `'approval: false' leaves a step out of the runbook's 'approval:', and this runbook has none (step '${step.id}')`, 'key');
  }
  if ((step.confirm !== undefined || step.risk !== undefined) && step.destructive !== true) {
    const f = step.confirm !== undefined ? 'confirm' : 'risk';
    report.warn('misplaced-key', `${base}/${f}`, `'${f}' only has an effect on a step marked 'destructive: true' (step '${step.id}')`, 'key');
  }
  if (step.probe !== undefined) checkProbeTarget(step, base, report);
  checkConnectionRef(step.sql?.connection ?? step.wait?.sql?.connection, `${base}/${step.sql ? 'sql' : 'wait/sql'}/connection`, doc, report);
  if (step.sql || step.wait?.sql) checkSqlText(step, base, doc, report);
  checkConnectionRef(step.with?.connection ?? step.wait?.with?.connection, `${base}/${step.with ? 'with' : 'wait/with'}/connection`, doc, report);
  if (step.for_each) checkForEach(step, base, doc, report);
  if (step.target !== undefined) checkTargetRef(step, base, doc, report);
  const wait = step.wait;
  if (wait) {
    const actions = ['sql', 'shell', 'probe'].filter((k) => wait[k as 'sql'] !== undefined);
    if (actions.length !== 1) report.error('wait-action', `${base}/wait`, `wait in step '${step.id}' needs exactly one of sql, shell, probe to poll`);
  }
}

const LOOP_KINDS = ['shell', 'sql', 'probe'] as const;

function checkForEach(step: StepDoc, base: string, doc: RunbookDoc, report: Reporter): void {
  if (!LOOP_KINDS.some((k) => step[k] !== undefined)) {
    report.error('misplaced-key', `${base}/for_each`, `'for_each' only belongs on ${LOOP_KINDS.join(', ')} steps (step '${step.id}'); wait, prompt, manual and runbook steps run once`, 'key');
  }
  const name = loopVar(step.for_each!);
  const captures = new Set(doc.steps.flatMap((s) => (s.capture === undefined ? [] : [s.capture])));
  const clash = (RESERVED_ROOTS as readonly string[]).includes(name) ? 'a reserved name'
    : captures.has(name) ? 'the name of a capture' : FUNCTIONS.has(name) ? 'the name of a function' : undefined;
  if (clash) report.error('reserved-name', `${base}/for_each/${step.for_each!.as === undefined ? 'in' : 'as'}`, `the for_each item of step '${step.id}' is called '${name}', which is ${clash}: pick another name with 'as:'`);
}

/** A target is where a script runs: only shell steps and waits that poll shell have one. */
function checkTargetRef(step: StepDoc, base: string, doc: RunbookDoc, report: Reporter): void {
  if (step.shell === undefined && step.wait?.shell === undefined) {
    report.error('misplaced-key', `${base}/target`, `'target' only belongs on shell steps and waits that poll shell (step '${step.id}'): SQL and probes reach their database through its connection`, 'key');
    return;
  }
  const known = Object.keys(doc.targets ?? {});
  const name = step.target!;
  if (!known.includes(name)) report.error('unknown-target', `${base}/target`, `unknown target '${name}'${didYouMean(name, known)}${known.length ? '' : ' (declare it under targets:)'}`);
}

function checkProbeTarget(step: StepDoc, base: string, report: Reporter): void {
  const w = step.with ?? {};
  if (!w.connection && !w.url && !w.host) {
    report.error('probe-target', `${base}/probe`, `probe '${step.probe}' in step '${step.id}' needs a target: with: { connection: <name> } or url or host`);
  }
}

function checkConnectionRef(name: string | undefined, path: string, doc: RunbookDoc, report: Reporter): void {
  const known = Object.keys(doc.connections ?? {});
  if (name === undefined) return;
  if (!known.includes(name)) report.error('unknown-connection', path, `unknown connection '${name}'${didYouMean(name, known)}${known.length ? '' : ' (declare it under connections:)'}`);
}

function checkSqlText(step: StepDoc, base: string, doc: RunbookDoc, report: Reporter): void {
  const sql = step.sql ?? step.wait?.sql;
  const at = step.sql ? `${base}/sql` : `${base}/wait/sql`;
  if (!sql) return;
  const connections = Object.keys(doc.connections ?? {});
  if (sql.connection === undefined && connections.length !== 1) {
    report.error('unknown-connection', at, connections.length === 0
      ? `SQL step '${step.id}' needs a connection: declare one under connections:`
      : `SQL step '${step.id}' must name its connection (one of ${connections.join(', ')})`);
  }
  const texts = typeof sql.query === 'string' ? [sql.query] : [sql.query.postgres, sql.query.mysql];
  if (texts.some((q) => q !== undefined && hasTemplate(q))) {
    report.error('sql-template', `${at}/query`, `SQL text in step '${step.id}' contains \${{ }}: put values in params ($1 / ?) so they are bound, never spliced`);
  }
  if (typeof sql.query === 'object' && !sql.query.postgres && !sql.query.mysql) {
    report.error('sql-empty', `${at}/query`, `SQL step '${step.id}' gives no query for postgres or mysql`);
  }
}
