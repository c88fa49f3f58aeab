// SQL steps: a cached session per named connection, each statement in its own (read-only unless
// destructive) transaction with a server-side timeout, cancelled on the server when aborted.
import type { RefusedServers } from '../db/refused-servers.js';
import { raceAbort, sleep } from '../db/abort.js';
import { classify } from '../db/classify.js';
import { readOnlyRefusal, serverRefusal } from './sql-read-only.js';
import { openWhenASlotFrees } from '../db/slot-wait.js';
import { addressOf, fingerprintSession, type TargetAddress, type TargetFingerprint } from './fingerprint.js';
import { liveSessions } from '../db/server-session.js';
import { SessionCache } from '../db/session-cache.js';
import { parseUrl, type ConnectionInfo } from '../db/url.js';
import { maskingAlso, urlSecrets } from './masking.js';
import { abortedResult, failedResult } from './outcome.js';
import { secretsReadOf, withSecretsRead, type Session } from '../db/session.js';
import type { Classification, ExecContext, Executor, SqlAction, StepResult } from './types.js';

const DEFAULT_CONNECT_MS = 15_000;
const MAX_CONNECT_MS = 30_000;

export interface SqlExecutor extends Executor<SqlAction> { close(): Promise<void> }

/** cancelGraceMs: see OpenOptions (tests on a loaded machine give a live server longer than a frozen one gets). */
export function createSqlExecutor(env?: Record<string, string | undefined>, cancelGraceMs?: number, refused?: RefusedServers): SqlExecutor {
  const cache = new SessionCache();
  const servers = new WeakMap<Session, TargetFingerprint>();
  return { execute: (action, ctx) => runSql(cache, servers, action, ctx, env, cancelGraceMs, refused), close: () => cache.close() };
}

/** How often first contact asks again whether the interrupted run's sessions still run (--wait-for-orphans). */
const SESSION_POLL_MS = 500;

async function runSql(
  cache: SessionCache, servers: WeakMap<Session, TargetFingerprint>, action: SqlAction, outer: ExecContext, env: Record<string, string | undefined> | undefined, cancelGraceMs: number | undefined, refused: RefusedServers | undefined,
): Promise<StepResult> {
  const startedAt = Date.now();
  const ctx = maskingAlso(outer, urlSecrets(action.url));
  if (ctx.signal.aborted) return abortedResult(ctx, startedAt);
  if (cache.closeSignal.aborted) return failedResult(ctx, startedAt, 'other', "this run's database connections are already closed");
  let info: ConnectionInfo;
  let address: TargetAddress;
  try {
    info = parseUrl(action.url);
    address = addressOf(info, env ?? process.env); // the environment may refuse the URL (db/libpq-env.ts)
  } catch (err) {
    return failedResult(ctx, startedAt, 'other', err);
  }
  const refusal = action.readOnly ? readOnlyRefusal(action, info.engine, ctx.stepId) : undefined;
  if (refusal) return failedResult(ctx, startedAt, 'not-read-only', refusal);
  const open = async (): Promise<Session> => {
    const session = await openWhenASlotFrees(info, {
      timeoutMs: Math.min(action.timeoutMs ?? DEFAULT_CONNECT_MS, MAX_CONNECT_MS),
      signal: AbortSignal.any([ctx.signal, cache.closeSignal]), ...(env ? { env } : {}),
      ...(cancelGraceMs !== undefined ? { cancelGraceMs } : {}), ...(refused ? { refused } : {}),
    });
    // First contact: who answered is recorded (and, on a resume, compared) before the step's statement is sent.
    if (ctx.onTarget) {
      try { await firstContact(session, address, action.connection, ctx, servers); } catch (e) { await session.close(); throw e; }
    }
    return session;
  };
  let connected = false;
  try {
    const work = cache.use(`${action.connection}\u0000${action.url}`, open, async (session) => {
      connected = true;
      // Before a statement that can write is sent: which server session sends it, on the record.
      if (!action.readOnly && ctx.onSession && !isPoolerConsole(session)) {
        const id = await session.serverSession(ctx.signal);
        ctx.onSession(action.connection, { engine: session.flavour, ...id, server: servers.get(session)?.server ?? '' });
      }
      return session.query(action.query, action.params, {
        readOnly: action.readOnly, signal: ctx.signal, ...(action.vouched ? { vouched: true } : {}), ...(action.secretParams ? { secretParams: true } : {}),
        ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}),
      });
    });
    // The step ends when it is aborted or times out, not when a (perhaps frozen) server lets go: the
    // session keeps cancelling, then drops the connection, behind the cache's lock (db/canceller.ts).
    const result = await raceAbort(work, ctx.signal).catch(async (err: unknown) => {
      // A statement that committed as the abort came is a success: give a healthy server a moment to say so.
      if (ctx.signal.aborted) return (await settledValue(work, SETTLE_AFTER_ABORT_MS)) ?? Promise.reject(err);
      throw err;
    });
    // Rows as the server sent them: a later step may read a secret from them. Every display masks them
    // (the engine registered this URL's password with the run's redactor before the step ran).
    return { status: 'ok', durationMs: Date.now() - startedAt, ...result };
  } catch (err) {
    if (ctx.signal.aborted) return abortedResult(ctx, startedAt);
    if (cache.closeSignal.aborted) {
      return { status: 'aborted', durationMs: Date.now() - startedAt, error: 'the run closed its database connections during the step' };
    }
    const refused = serverRefusal(ctx.stepId, action.readOnly, classify(err), err);
    const classification = refused ? 'not-read-only' : writeRefused(classify(err), action.readOnly);
    // A read that reached a secret (db/pg-secret-reach.ts): its error is withheld too (secrets/step-taint.ts).
    const result = withSecretsRead(failedResult(ctx, startedAt, classification, refused ?? err), secretsReadOf(err) ?? []);
    // The server's own statement timeout (set from the step timeout) is the step timing out.
    const statementTimeout = connected && action.timeoutMs !== undefined && classification === 'timeout';
    return statementTimeout ? { ...result, status: 'timeout' } : result;
  }
}

/** Fingerprints the server (compared by the run's guard), then, on a resume, makes sure no session the
 *  interrupted run left on it still runs: refused (the guard throws), or waited for when the operator said so. */
async function firstContact(session: Session, address: TargetAddress, connection: string, ctx: ExecContext, servers: WeakMap<Session, TargetFingerprint>): Promise<void> {
  const target = await fingerprintSession(session, address, ctx.signal);
  servers.set(session, target);
  const recorded = (ctx.onTarget?.(connection, target) ?? []).filter((id) => id.server === target.server);
  if (!recorded.length || isPoolerConsole(session)) return;
  for (;;) {
    const live = await liveSessions(session, recorded, ctx.signal);
    if (!live.length || !ctx.onLiveSessions?.(connection, live)) return;
    await sleep(SESSION_POLL_MS);
    ctx.signal.throwIfAborted();
  }
}

/** A write refused by a read-only transaction in a step allowed to write: the server itself takes no
 *  writes (a standby, read_only on), which is what the application sees too. */
const writeRefused = (c: Classification, readOnly: boolean): Classification =>
  c === 'not-read-only' && !readOnly ? 'read-only-server' : c;

/** PgBouncer's admin console speaks no SQL: it has no session to record or look for. */
const isPoolerConsole = (session: Session): boolean => /^PgBouncer\b/i.test(session.serverVersion);

/** How long an aborted step still waits for its statement's own answer (a frozen server never gives one). */
const SETTLE_AFTER_ABORT_MS = 150;

/** The value `p` resolves with within `ms`, else undefined (also when it rejects). */
async function settledValue<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  return Promise.race([p.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}
