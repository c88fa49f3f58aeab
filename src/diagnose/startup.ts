// Layer 6, startup: the pooler's startup parameters. This login worked, but node-postgres sends few startup
// parameters; PgJDBC's extra_float_digits is refused by a PgBouncer that does not list it in
// ignore_startup_parameters ("unsupported startup parameter"), so every Java application fails where diagnose
// connects. One startup packet like JDBC's, no password sent, asks (db/pg-startup.ts). PostgreSQL itself takes them.
import { classify } from '../db/classify.js';
import { JDBC_STARTUP, pgStartupAnswer } from '../db/pg-startup.js';
import type { ConnectionInfo } from '../db/url.js';
import type { Check } from './types.js';

export async function checkStartup(info: ConnectionInfo, overTls: boolean, timeoutMs: number): Promise<Check> {
  const started = Date.now();
  const answer = await pgStartupAnswer(info, { ...JDBC_STARTUP }, overTls, timeoutMs);
  const base = { layer: 'startup' as const, durationMs: Date.now() - started };
  if (answer.accepted === true) return { ...base, status: 'ok', classification: 'ok', summary: 'takes the startup parameters JDBC sends (extra_float_digits, DateStyle, TimeZone)' };
  if (answer.accepted === undefined) return { ...base, status: 'skipped', summary: `could not ask with JDBC's startup parameters: ${answer.reason}` };
  const err = Object.assign(new Error(answer.message), { code: answer.code });
  const c = classify(err);
  const parameter = /unsupported startup parameter:\s*(\S+)/i.exec(answer.message)?.[1];
  if (c !== 'pooler-config') {
    return { ...base, status: 'skipped', summary: `JDBC's startup parameters were answered with ${c}: ${answer.message}` };
  }
  return {
    ...base, status: 'warn', classification: c, details: { ...(parameter ? { parameter } : {}), error: answer.message },
    summary: `pooler-config: this URL logs in, but clients that send ${parameter ?? 'JDBC\'s startup parameters'} at startup (every JDBC client) are refused: ${answer.message}`,
  };
}
