// Layer 1, config: which URL the application would use, and whether it parses. A URL error names the
// character to encode, never the password.
import { connectionFromEnv, withEnvCredentials } from '../db/url-env.js';
import { sslMode, tlsFiles } from '../db/ssl-options.js';
import { maskUrl, parseUrl, UrlError, type ConnectionInfo } from '../db/url.js';
import type { Check } from './types.js';

export interface Source { url: string; from: string; problem?: UrlError }
export type Parsed = { ok: true; info: ConnectionInfo; check: Check } | { ok: false; check: Check };

/** The URL to diagnose: the argument, else DATABASE_URL, PG* or MYSQL_* (as the application would build it).
 *  A malformed DATABASE_URL comes back as a failed config check with the raw text as the source. */
export function findSource(arg: string | undefined, env: NodeJS.ProcessEnv = process.env): Source | undefined {
  if (arg) return { url: arg, from: 'argument' };
  try {
    const found = connectionFromEnv(env);
    return found ? { url: found.url, from: found.source } : undefined;
  } catch (e) {
    if (env.DATABASE_URL) return { url: env.DATABASE_URL, from: 'DATABASE_URL' };
    return { url: '', from: 'PG*/MYSQL_* variables', ...(e instanceof UrlError ? { problem: e } : {}) };
  }
}

/** The URL as the application's client reads it in `env` (libpq's PG* variables and default TLS files:
 *  db/libpq-env.ts): a variable runbook cannot read is a config failure naming it. */
export function checkConfig(source: Source, env: Record<string, string | undefined> = process.env): Parsed {
  if (source.problem) return { ok: false, check: configFailure(source.problem, source.from) };
  try {
    const info = withEnvCredentials(parseUrl(source.url), env);
    const mode = sslMode(info);
    const files = tlsFileProblem(info); // an unreadable sslrootcert is a config problem, for the ssl runbook
    if (files) return { ok: false, check: { ...configFailure(files, source.from), details: { tlsFile: true } } };
    const who = info.user ? `${info.user}@` : '';
    return {
      ok: true, info,
      check: {
        layer: 'config', status: 'ok', classification: 'ok',
        summary: `${info.engine} URL: ${who}${info.host}:${info.port}/${info.database}, sslmode ${mode} (from ${source.from})`,
        details: { engine: info.engine, host: info.host, port: info.port, user: info.user, database: info.database, sslmode: mode },
      },
    };
  } catch (e) {
    return { ok: false, check: configFailure(e, source.from) };
  }
}

function tlsFileProblem(info: ConnectionInfo): unknown {
  try {
    tlsFiles(info);
    return undefined;
  } catch (e) {
    return e;
  }
}

function configFailure(e: unknown, from: string): Check {
  const why = e instanceof UrlError ? e.message : 'the URL could not be read';
  return { layer: 'config', status: 'failed', classification: 'other', summary: `the URL from ${from} is wrong: ${why}` };
}

export { maskUrl };
