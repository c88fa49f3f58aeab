// A step's action with everything filled in: what the executor receives and what the operator is shown.
import { own } from '../common/own.js';
import type { Action } from '../executors/types.js';
import type { RunbookDoc, StepDoc, SqlActionDoc, ShellActionDoc, ProbeArgsDoc, ProbeName } from '../language/schema.js';
import type { Scope } from '../language/expression/index.js';
import { renderShell, renderTemplate, renderValue } from './render.js';
import { toMs } from './duration.js';
import { engineOfScheme } from '../db/url.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface Prepared { action: Action; command: string; target?: string }


export function connectionUrl(doc: RunbookDoc, name: string | undefined, scope: Scope): { name: string; url: string } {
  const names = Object.keys(doc.connections ?? {});
  const chosen = name ?? (names.length === 1 ? names[0]! : undefined);
  const conn = chosen === undefined ? undefined : own(doc.connections, chosen);
  if (!chosen || !conn) throw new Error(`unknown connection '${name ?? ''}'`);
  return { name: chosen, url: renderTemplate(conn.url, scope) };
}

export function prepareShell(shell: ShellActionDoc, scope: Scope): Prepared {
  const spec = typeof shell === 'string' ? { run: shell } : shell;
  const r = renderShell(spec.run, scope);
  const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, renderTemplate(v, scope)]));
  return {
    action: { kind: 'shell', script: r.script, args: r.args, env, ...(spec.cwd ? { cwd: renderTemplate(spec.cwd, scope) } : {}) },
    command: r.display,
  };
}

export function prepareSql(doc: RunbookDoc, sql: SqlActionDoc, scope: Scope, readOnly: boolean, timeoutMs: number): Prepared {
  const { name, url } = connectionUrl(doc, sql.connection, scope);
  const engine = engineOfScheme(url);
  const query = typeof sql.query === 'string' ? sql.query : engine === 'mysql' || engine === 'mariadb' ? sql.query.mysql : sql.query.postgres;
  if (query === undefined) throw new Error(`this step has no SQL for ${engine ?? 'this database'}`);
  const params = (sql.params ?? []).map((p) => (typeof p === 'string' ? renderValue(p, scope) : p));
  const shown = params.length ? `${query.trim()}\n-- params: ${JSON.stringify(params)}` : query.trim();
  return { action: { kind: 'sql', connection: name, url, query, params, readOnly, timeoutMs }, command: shown, target: url };
}

export function prepareProbe(doc: RunbookDoc, probe: ProbeName, args: ProbeArgsDoc | undefined, scope: Scope, stepTimeoutMs: number): Prepared {
  const w = args ?? {};
  const url = w.url !== undefined ? renderTemplate(w.url, scope) : w.connection !== undefined ? connectionUrl(doc, w.connection, scope).url : undefined;
  const host = w.host !== undefined ? renderTemplate(w.host, scope) : undefined;
  const port = w.port === undefined ? undefined : Number(typeof w.port === 'string' ? renderTemplate(w.port, scope) : w.port);
  const timeoutMs = toMs(w.timeout, Math.min(stepTimeoutMs, 10_000));
  const servername = w.servername !== undefined ? renderTemplate(w.servername, scope) : undefined;
  const action: Action = {
    kind: 'probe', probe, timeoutMs,
    ...(url !== undefined ? { url } : {}), ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}), ...(servername !== undefined ? { servername } : {}),
  };
  const where = url ?? `${host ?? ''}${port !== undefined ? `:${port}` : ''}`;
  return { action, command: `probe ${probe} ${where}`.trim(), ...(url ? { target: url } : {}) };
}

/** The action of an ordinary (non-wait, non-call, non-end) step. */
export function prepareStep(doc: RunbookDoc, step: StepDoc, scope: Scope): Prepared {
  const timeoutMs = toMs(step.timeout, DEFAULT_TIMEOUT_MS);
  if (step.shell !== undefined) return prepareShell(step.shell, scope);
  if (step.sql) return prepareSql(doc, step.sql, scope, step.destructive !== true, timeoutMs);
  if (step.probe) return prepareProbe(doc, step.probe, step.with, scope, timeoutMs);
  if (step.manual !== undefined) {
    const m = typeof step.manual === 'string' ? { instructions: step.manual } : step.manual;
    const instructions = renderTemplate(m.instructions, scope);
    return { action: { kind: 'manual', instructions, ...(m.choices ? { choices: m.choices } : {}) }, command: instructions };
  }
  if (step.prompt) {
    const p = step.prompt;
    const message = renderTemplate(p.message, scope);
    return { action: { kind: 'prompt', ...p, message }, command: message };
  }
  throw new Error(`step '${step.id}' has no action to prepare`);
}
