// startup: would the PostgreSQL port (or the PgBouncer in front of it) take a startup packet like the one the
// application's driver sends? JDBC's parameters (db/pg-startup.ts), plus `parameter` when the runbook names one.
// A pooler refuses an unknown parameter before any password ("unsupported startup parameter"), so one packet
// tells; no password is sent and nothing counts as a failed login. ok: the server asked for authentication.
import { JDBC_STARTUP, pgStartupAnswer, type StartupAnswer } from '../../db/pg-startup.js';
import { sslMode } from '../../db/ssl-options.js';
import { parseUrl, socketPath, UrlError, type ConnectionInfo } from '../../db/url.js';
import { withEnvCredentials } from '../../db/url-env.js';
import { probeFailed, probeOk } from './probe-result.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

/** `name` or `name=value`; a name JDBC sends keeps JDBC's value, any other gets an empty one. */
export function startupParameters(parameter: string | undefined): Record<string, string> {
  const params: Record<string, string> = { ...JDBC_STARTUP };
  const spec = parameter?.trim();
  if (!spec) return params;
  const at = spec.indexOf('=');
  const name = at < 0 ? spec : spec.slice(0, at);
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new UrlError(`startup parameter '${name.slice(0, 40)}' is not a parameter name`);
  params[name] = at < 0 ? (JDBC_STARTUP[name] ?? '') : spec.slice(at + 1);
  return params;
}

export async function startupProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  try {
    if (!action.url) throw new UrlError('the startup probe needs a connection url');
    const info = withEnvCredentials(parseUrl(action.url), env ?? process.env);
    if (info.engine !== 'postgres') throw new UrlError('the startup probe speaks PostgreSQL\'s startup packet (PostgreSQL or PgBouncer URLs)');
    const params = startupParameters(action.parameter);
    details = { host: info.host, port: info.port, user: info.user, database: info.database, parameters: Object.keys(params) };
    const { answer, tls } = await ask(info, params, action.timeoutMs);
    details = { ...details, tls };
    if (answer.accepted === true) return probeOk(startedAt, details);
    if (answer.accepted === false) return probeFailed(ctx, startedAt, Object.assign(new Error(answer.message), { code: answer.code }), details);
    return probeFailed(ctx, startedAt, new Error(`no answer to the startup packet: ${answer.reason}`), details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  }
}

/** Over TLS as libpq would: required by the sslmode, or offered first under prefer/allow (then plain if refused). */
async function ask(info: ConnectionInfo, params: Record<string, string>, timeoutMs: number): Promise<{ answer: StartupAnswer; tls: boolean }> {
  const mode = sslMode(info);
  const overTls = mode !== 'disable' && !socketPath(info);
  if (!overTls) return { answer: await pgStartupAnswer(info, params, false, timeoutMs), tls: false };
  const answer = await pgStartupAnswer(info, params, true, timeoutMs);
  const fallBack = answer.accepted === undefined && (mode === 'prefer' || mode === 'allow') && /no longer offers TLS/.test(answer.reason);
  return fallBack ? { answer: await pgStartupAnswer(info, params, false, timeoutMs), tls: false } : { answer, tls: true };
}
