// A step that changes things must say so: the run stops for the operator before every destructive step.
import type { RunbookDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { shellFindings } from './shell-lint.js';
import { inertSetting, variableWhy } from '../shell-vars.js';
import { lintSql } from './sql-safety.js';
import { classifySql } from '../sql/index.js';
import type { ShellSql } from './shell-read-only.js';

export function lintSafety(doc: RunbookDoc, report: Reporter): void {
  lintSql(doc, report); // SQL (of sql steps and waits) is proven read-only by the engine's parser (sql-safety.ts)
  doc.steps.forEach((step, i) => {
    const { first, acting } = dangerIn(step);
    if (!first || step.destructive === true) return;
    const base = `/steps/${i}`;
    if (step.destructive === false) {
      if (acting && step.safe_because?.trim()) {
        report.error('unsafe-unmarked', `${base}/safe_because`, `step '${step.id}' ${acting}: mark it 'destructive: true' so the operator confirms it ('safe_because' cannot vouch for a command that acts, only for one the lint cannot read)`);
      } else if (!step.safe_because?.trim()) {
        report.error('unsafe-unmarked', `${base}/destructive`, `step '${step.id}' ${first} but is marked 'destructive: false' without 'safe_because: <why>': say why it cannot change anything in safe_because, or mark it 'destructive: true' so the operator confirms it`);
      }
      return;
    }
    report.error('unsafe-unmarked', `${base}/id`, `step '${step.id}' ${acting ?? first}: mark it 'destructive: true' so the operator confirms it${acting ? '' : ", or 'destructive: false' with 'safe_because'"}`);
  });
}

/** What makes the step's shell (or its wait's polled shell) look dangerous, in words: the first finding, and
 *  the first command that acts. `sql`: collects the SQL the scripts hand to a database client. */
export function dangerIn(step: StepDoc, sql?: ShellSql[]): { first?: string; acting?: string } {
  const own = shellOf(step, sql);
  const polled = step.wait ? shellOf(step.wait, sql) : {};
  const first = own.first ?? polled.first;
  const acting = own.acting ?? polled.acting;
  return { ...(first ? { first } : {}), ...(acting ? { acting } : {}) };
}

function shellOf(step: Pick<StepDoc, 'shell'>, sql?: ShellSql[]): { first?: string; acting?: string } {
  const shell = typeof step.shell === 'string' ? step.shell : step.shell?.run;
  if (shell === undefined) return {};
  const found = shellFindings(shell, sql);
  // `env: { PATH: ./bin }` or `BASH_ENV: ./hook.sh` makes the commands the lint read run something else.
  // A value with a ${{ }} in it is not a literal the lint can check (a locale's name); a TZ's is checked when the
  // step starts, with its value (engine/prepare.ts).
  const templated = (v: unknown) => typeof v !== 'string' || v.includes('${{');
  const execVar = typeof step.shell === 'object' ? Object.entries(step.shell.env ?? {})
    .find(([k, v]) => !(k === 'TZ' && templated(v)) && !inertSetting(k, templated(v) ? undefined : v as string))?.[0] : undefined;
  return execVar && !found.first ? { ...found, first: `runs a shell command the lint cannot read (env '${execVar}': ${variableWhy(execVar)})` } : found;
}

/**
 * Whether the lint proves every command of the step's shell (and its wait's) a read: no finding at all, and
 * the SQL it hands to a database client a plain read. Only such a step may reach the network in a dry run.
 */
export function shellProvenRead(step: StepDoc): boolean {
  const sql: ShellSql[] = [];
  if (dangerIn(step, sql).first) return false;
  return sql.every((s) => { const v = classifySql(s.text, s.engine); return v.readOnly && v.statements <= 1; });
}
