// A step that changes things must say so: the run stops for the operator before every destructive step.
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { shellDanger } from './shell-lint.js';

const READ_ONLY_SQL = /^(select|show|explain|describe|desc|values|table|with)\b/i;
const WRITES_IN_SQL = /\b(insert|update|delete|merge|drop|alter|create|truncate|grant|revoke|kill|lock|vacuum|reindex|cluster|copy|call|do|set\s+global)\b|\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|set_config|pg_advisory_lock|lo_unlink|dblink_exec|pg_drop_replication_slot|pg_create_physical_replication_slot|pg_create_logical_replication_slot|pg_promote|pg_wal_replay_pause|pg_wal_replay_resume|pg_replication_origin_drop)\s*\(/i;

export function lintSafety(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    const finding = dangerIn(step);
    if (!finding) return;
    if (step.destructive === true) return;
    const base = `/steps/${i}`;
    if (step.destructive === false) {
      if (!step.safe_because?.trim()) {
        report.error('unsafe-unmarked', `${base}/destructive`, `step '${step.id}' ${finding} but is marked 'destructive: false' without 'safe_because: <why>'`);
      }
      return;
    }
    report.error('unsafe-unmarked', `${base}/id`, `step '${step.id}' ${finding}: mark it 'destructive: true' so the operator confirms it, or 'destructive: false' with 'safe_because'`);
  });
}

/** What makes the step look dangerous, in words, or undefined. A wait's polled action is read like a step's. */
export function dangerIn(step: StepDoc): string | undefined {
  return actionDanger(step) ?? (step.wait ? actionDanger(step.wait) : undefined);
}

function actionDanger(step: Pick<StepDoc, 'sql' | 'shell'>): string | undefined {
  const sql = step.sql?.query;
  const texts = typeof sql === 'string' ? [sql] : sql ? [sql.postgres, sql.mysql] : [];
  for (const q of texts) {
    if (q === undefined) continue;
    const write = sqlWrite(q);
    if (write) return `runs SQL that is not read-only (${write})`;
  }
  const shell = typeof step.shell === 'string' ? step.shell : step.shell?.run;
  return shell === undefined ? undefined : shellDanger(shell);
}

function sqlWrite(query: string): string | undefined {
  const body = query.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/'(?:[^']|'')*'/g, "''");
  for (const stmt of body.split(';').map((s) => s.trim()).filter(Boolean)) {
    if (!READ_ONLY_SQL.test(stmt)) return stmt.split(/\s+/)[0]?.toUpperCase();
    const w = WRITES_IN_SQL.exec(stmt);
    if (w) return (w[1] ?? w[2] ?? w[0]).trim();
  }
  return undefined;
}
