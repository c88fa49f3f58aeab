// Where the team's store is: --store, else RUNBOOK_STORE, else `store:` in runbook.config.yaml (the nearest one
// in this directory or a parent: the file a team commits beside its runbooks). No store is the default: a
// run is then exactly as it was, local only.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { UserError } from '../common/errors.js';
import { engineOfScheme, maskUrl, parseUrl, UrlError } from '../db/url.js';
import { libpqUser } from '../db/pgpass.js';

export const CONFIG_FILE = 'runbook.config.yaml';
export const STORE_ENV = 'RUNBOOK_STORE';

export interface StoreUrl { url: string; from: string }

/** The store URL and where it came from, or undefined when none is configured. */
export function findStoreUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StoreUrl | undefined {
  if (flag !== undefined && flag !== '') return checked(flag, '--store');
  const fromEnv = env[STORE_ENV];
  if (fromEnv) return checked(fromEnv, STORE_ENV);
  const found = configEntry('store', cwd);
  return found && checked(found.value, found.file);
}

/** A string setting of the nearest runbook.config.yaml (`store`, `allowed_signers`) and the file it is in. */
export function configEntry(name: string, cwd = process.cwd()): { value: string; file: string } | undefined {
  const file = nearestConfig(cwd);
  if (!file) return undefined;
  const value = entryInConfig(file, name);
  return value === undefined ? undefined : { value, file };
}

function nearestConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

function entryInConfig(file: string, name: string): string | undefined {
  let doc: unknown;
  try { doc = load(readFileSync(file, 'utf8')); } catch (e) {
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    throw new UserError(`${file}${mark ? `:${mark.line + 1}:${mark.column + 1}` : ''}: not valid YAML`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${file}:1:1: expected a mapping (store: postgres://…)`);
  const value = (doc as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UserError(`${file}: '${name}' must be ${name === 'store' ? 'a postgres:// URL' : 'a path'}`);
  return value;
}

/** The store role a URL logs in as (libpq's rule: its user, else PGUSER, else the OS user). */
export function storeRoleOf(url: string): string {
  let user: string | undefined;
  try { user = parseUrl(url).user; } catch { /* checked where the store is found; the default user stands */ }
  return libpqUser(user);
}

/** A PostgreSQL URL, or a one-line error that never repeats its password. */
function checked(url: string, from: string): StoreUrl {
  try {
    // On a command line a password is visible to every local user (ps) and recorded in the transcript's argv.
    if (from === '--store' && parseUrl(url).password) throw new UserError('--store must not carry a password (every local user sees a command line, and the transcript records it): use PGPASSWORD, ~/.pgpass or RUNBOOK_STORE');
  } catch (e) {
    if (e instanceof UrlError) throw new UserError(`the store URL from ${from} is not valid: ${e.message}`);
    throw e;
  }
  if (engineOfScheme(url) !== 'postgres') throw new UserError(`the store URL from ${from} must be postgres:// (the store is PostgreSQL), got ${maskUrl(url).slice(0, 60)}`);
  return { url, from };
}
