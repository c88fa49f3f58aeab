// PostgreSQL sessions over pg. Every step runs in its own transaction so that `SET LOCAL statement_timeout`
// and READ ONLY apply to that step alone; a step that is not destructive sends exactly one statement.
import { catalogHooks } from './pg-catalog-hooks.js';
import { catalogPlanningHooks, plantedProblem } from './pg-catalog-planning.js';
import { firstAnswers } from './pg-first-question.js';
import pg from 'pg';
import { raceAbort } from './abort.js';
import { classify, diagnosed } from './classify.js';
import { Canceller, type CancelLink } from './canceller.js';
import { sendCancelRequest, type BackendKey } from './pg-cancel.js';
import { RowBudget } from './row-budget.js';
import type { ConnectionInfo } from './url.js';
import type { TlsSettings } from './ssl-options.js';
import { withSecretsRead, type OpenOptions, type QueryOptions, type QueryResult, type Session } from './session.js';
import { GuardedSession } from './guarded-session.js';
import { LoginClock, withTimeline, type LoginPhase, type LoginTimeline } from './login-timeline.js';
import { lastResult, streamQuery } from './pg-stream.js';
import { checkFailed, explainUnresolved, type Rows } from './pg-pin.js';
import { checkRead } from './pg-checked-read.js';
import { changedUnder } from './pg-read-watch.js';
import { SESSION_PINNED } from './pg-pin-sql.js';
import { PlantedStatement } from './pg-planted-statement.js';
import { regeneratePg } from '../language/sql/pg-parser.js';
import { PinRefusal } from './pin-refusal.js';
import { PG_PARAMETER_LOGGING_SQL, pgParametersLogged } from './parameter-logging.js';
import { librariesProblem, SERVER_SETTINGS_SQL } from './pg-libraries.js';
import { findPassword, libpqUser } from './pgpass.js';
import { pinnedSocket } from './pinned-socket.js';
import { parseJsonExact } from './json-exact.js';

// Dates and times come back as PostgreSQL prints them: pg's Date parsing would shift
// `timestamp without time zone` into the local zone, and intervals into objects.
// int8 (count(*), sums) becomes a number when exact, as mysql2 does with supportBigNumbers.
const RAW_TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1186, 1266]);
const INT8 = 20;
const int8 = (value: string): number | string => (Number.isSafeInteger(Number(value)) ? Number(value) : value);
/** json, jsonb: integers beyond 53 bits kept as their digits (json-exact.ts). */
const JSON_TYPES = new Set([114, 3802]);
const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (RAW_TEXT_TYPES.has(oid)) return (value: string) => value;
  if (oid === INT8 && format !== 'binary') return int8;
  if (JSON_TYPES.has(oid) && format !== 'binary') return parseJsonExact;
  return pg.types.getTypeParser(oid, format ?? 'text');
}) as typeof pg.types.getTypeParser;

export function pgConfig(info: ConnectionInfo, tls: TlsSettings | null, timeoutMs: number, address?: string): pg.ClientConfig {
  return {
    // Pinned to the address the client's walk reached; pg still names the host to TLS.
    ...(address ? { stream: () => pinnedSocket(address) } : {}),
    // No password in the URL or the run's PGPASSWORD: the password file, read as libpq reads it (pgpass.ts), when
    // the server asks; none found is none sent (pg then says no password was given), never pg's own reading.
    // No user: libpq's (libpqUser: never pg's default, $USER).
    host: info.host, port: info.port, user: libpqUser(info.user),
    password: info.password || ((() => findPassword({ host: info.host, port: info.port, database: info.database, user: info.user }).password) as unknown as string),
    database: info.database || undefined,
    ssl: pgSsl(tls),
    connectionTimeoutMillis: Math.max(1, Math.ceil(timeoutMs)),
    application_name: 'runbook',
    keepAlive: true,
    types: { getTypeParser },
  };
}

function pgSsl(tls: TlsSettings | null): pg.ClientConfig['ssl'] {
  if (!tls) return false;
  return {
    ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}),
    rejectUnauthorized: tls.verifyChain,
    ...(tls.verifyHost ? {} : { checkServerIdentity: () => undefined }),
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}), ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
  };
}

/** Connects; on abort or failure the half-open client is torn down: its socket destroyed, since end() waits
 *  for a server that may never answer (a frozen one kept the process alive for the full connect timeout). */
export async function connectPg(config: pg.ClientConfig, signal: AbortSignal): Promise<pg.Client> {
  return (await connectPgTimed(config, signal)).client;
}

/** connectPg, and how long each phase of the login took (a failed one's error carries its timeline). */
export async function connectPgTimed(config: pg.ClientConfig, signal: AbortSignal): Promise<{ client: pg.Client; timeline: LoginTimeline }> {
  const client = new pg.Client(config);
  client.on('error', () => undefined); // a server-side disconnect must never crash the run
  const read = watchLogin(client, config.ssl ? PHASES_TLS : PHASES_PLAIN);
  try {
    await raceAbort(client.connect(), signal);
    return { client, timeline: read(true) };
  } catch (err) {
    streamOf(client)?.destroy();
    void client.end().catch(() => undefined);
    throw withTimeline(err, read(false));
  }
}

const PHASES_TLS = ['tcp', 'tls', 'auth', 'startup'] as const;
const PHASES_PLAIN = ['tcp', 'auth', 'startup'] as const;

/** pg's connection emits each protocol step: socket up, TLS up, AuthenticationOk, the first ReadyForQuery. */
function watchLogin(client: pg.Client, order: readonly LoginPhase[]): (finished: boolean) => LoginTimeline {
  const clock = new LoginClock();
  const connection = (client as unknown as { connection?: NodeJS.EventEmitter }).connection;
  const marks: [string, LoginPhase][] = [['connect', 'tcp'], ['sslconnect', 'tls'], ['authenticationOk', 'auth'], ['readyForQuery', 'startup']];
  for (const [event, phase] of marks) connection?.once(event, () => clock.mark(phase));
  for (const asked of ['authenticationCleartextPassword', 'authenticationMD5Password', 'authenticationSASL']) {
    connection?.once(asked, () => clock.mark('auth-asked'));
  }
  return (finished) => clock.read(order, finished);
}

export async function openPgSession(info: ConnectionInfo, tls: TlsSettings | null, opts: OpenOptions): Promise<Session> {
  // A server found running code at a login (a login event trigger, a library a role's settings load) runs it at
  // every login: each step and loop item of a dry run logged in again (a probe of stop 71), so once is enough.
  const before = opts.refused?.before(info);
  if (before) throw new PinRefusal(`${before} (found at an earlier login of this run: not logged in again)`);
  const config = pgConfig(info, tls, opts.timeoutMs, opts.address);
  const { client, timeline } = await connectPgTimed(config, opts.signal);
  try {
    const console = info.database === 'pgbouncer' ? await pgbouncerConsole(client, opts.signal) : undefined;
    if (console) return Object.assign(new PgSession(client, config, tls, backendKey(client)?.pid ?? 0, console, true, '', opts.cancelGraceMs), { timeline });
    const loggedIn = Date.now();
    // Before the engine's first query of its own: code someone hung on PostgreSQL's own objects would run in it.
    // First, in one message nothing of which is planned (SHOW and COPY: pg-first-question.ts), what the planner
    // runs for any query over a catalog, pg_cast's rows and the roles' settings; then the other catalogs' rows (a
    // SELECT the planner would have run that code for). On a slow path every round trip of the login counts (a
    // 1 s each way path's 20 s login probe ran out when each question asked the version again).
    const open = async () => {
      const query = (sql: string) => client.query(sql);
      const opening = await raceAbort(firstAnswers(client), opts.signal).catch((err: unknown) => { throw copyFailed(err); });
      const library = librariesProblem(opening.libraries); // before anything else is asked: it may answer anything
      if (library) throw sendsNothing(library);
      const planted = await raceAbort(plantedProblem(client, opening.major, opening.planting), opts.signal);
      if (planted) throw new PinRefusal(`${planted}: nothing is sent on this server (not even a read, nor in a dry run)`);
      const hooked = await raceAbort(catalogHooks(query, opening), opts.signal);
      if (hooked) throw new PinRefusal(`${hooked}: the server runs it wherever it fits, the engine's own queries included, so the engine sends nothing on this server (not even a read, nor in a dry run)`);
      const opened = await raceAbort(client.query<{ pid: number; version: string; started: string | null; libraries: string[] | null }>(OPEN_SQL), opts.signal);
      const server = librariesProblem(opened.rows[0]?.libraries ?? []);
      if (server) throw sendsNothing(server);
      return opened;
    };
    const r = await open().catch(async (err: unknown) => {
      // The role's own statement_timeout cancelled it (a DBA's 1 ms): every step sets its own limit (SET LOCAL),
      // so the session's is lifted once for this query; its value stays readable (pg_settings.reset_val).
      if ((err as { code?: unknown }).code === '57014') return client.query('SET statement_timeout = 0').then(open);
      throw err;
    }).catch((err: unknown) => {
      if (err instanceof PinRefusal) opts.refused?.remember(info, err.message);
      throw queuedAfterLogin(err, Date.now() - loggedIn);
    });
    const row = r.rows[0]!;
    return Object.assign(new PgSession(client, config, tls, row.pid, row.version, false, row.started ?? '', opts.cancelGraceMs), { timeline });
  } catch (err) {
    void client.end().catch(() => undefined);
    throw err;
  }
}

/**
 * Refuses when someone put on PostgreSQL's own catalogs what the planner runs for every query over them
 * (db/pg-catalog-planning.ts): a COPY of pg_statistic_ext, pg_index and pg_inherits, one round trip (at a login,
 * part of the first message). A server error asking it (a revoked privilege) refuses too; a lost connection and a
 * cancel stay what they are.
 */
async function unplannedCatalogs(client: pg.Client, signal: AbortSignal, nothingElse: string, major: number): Promise<void> {
  const found = await raceAbort(catalogPlanningHooks(client, major), signal).catch((err: unknown) => { throw copyFailed(err); });
  if (found) throw new PinRefusal(`${found}: nothing is sent on this server ${nothingElse}`);
}

/** At the login, a connection's error stays what it is (checkFailed keeps 080xx; PgBouncer's query_wait_timeout is 08P01), for
 *  db-connect to classify (pooler-wait-timeout). */
const copyFailed = (err: unknown): unknown =>
  checkFailed(err, 'whether PostgreSQL\'s own catalogs carry statistics, indexes or child tables someone added could not be read by COPY', ['08P01']);

/** A library from outside PostgreSQL's own directory (pg-libraries.ts): nothing more goes to this server. */
const sendsNothing = (why: string): PinRefusal => new PinRefusal(`${why}; the engine sends nothing on this server (not even a read, nor in a dry run)`);

/** How long the first query must have waited after the login for the wait to be a queue, not a slow machine. */
const QUEUED_MS = 1000;

/**
 * The login completed (ReadyForQuery came) but the first query got no answer before the deadline. A PostgreSQL
 * backend answers that query at once; a pooler (PgBouncer) completes the login itself and then queues the query
 * until a server connection frees up, for query_wait_timeout (120 s by default), longer than any probe waits. So
 * a deadline here is a pooler's queue, not a network drop (which would stop the login itself) - provided the
 * query had time to be answered: a login that used up the budget on a loaded machine leaves a plain timeout.
 */
function queuedAfterLogin(err: unknown, waitedMs: number): unknown {
  if (classify(err) !== 'timeout' || waitedMs < QUEUED_MS) return err;
  return diagnosed(err, 'pooler-wait-timeout',
    'logged in, but the first query waited without an answer: queued in a connection pooler for a server connection');
}

/**
 * One round trip at connect: who we are (pid, and when the backend started: a pid alone is reused), the version,
 * and, from PostgreSQL 14, client_connection_check_interval: a backend running a long statement for a client
 * that died (kill -9 of the engine) notices within a second and rolls back, instead of finishing the statement
 * first. (It could not commit either way: COMMIT is its own message, sent only after the result arrived.)
 * It runs before any pin, under the role's own search_path: every name is qualified with pg_catalog, and its
 * literals hold no backslash (see db/pg-pin.ts). No casts between text and numbers: those are I/O conversions a
 * superuser can replace with CREATE CAST … WITH FUNCTION (issue #45); format() and int4in() are the types' own.
 * The start comes from the function, not the pg_stat_activity view: a superuser can replace a view of pg_catalog
 * in place, and this query is not checked as a read's relations are.
 */
const OPEN_SQL = `SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.current_setting('server_version') AS version,
  (SELECT pg_catalog.format('%s', extract(epoch FROM a.backend_start)) FROM pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) a) AS started,
  CASE WHEN pg_catalog.int4in(pg_catalog.textout(pg_catalog.current_setting('server_version_num'))) OPERATOR(pg_catalog.>=) 140000
    THEN pg_catalog.set_config('client_connection_check_interval', '1000', false) END AS checks,
  ${SERVER_SETTINGS_SQL} AS libraries`;

/**
 * PgBouncer's admin console (database "pgbouncer") speaks only its own commands: SELECT fails there. Its
 * SHOW VERSION answers "PgBouncer 1.x"; on a real database of that name it is an error, and the session
 * goes on as PostgreSQL.
 */
async function pgbouncerConsole(client: pg.Client, signal: AbortSignal): Promise<string | undefined> {
  try {
    const r = await raceAbort(client.query<Record<string, unknown>>('SHOW VERSION'), signal);
    const version = String(Object.values(r.rows[0] ?? {})[0] ?? '');
    return /pgbouncer/i.test(version) ? version : undefined;
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

/** How long close() waits for the server's goodbye before dropping the socket (a healthy one takes ms). */
const DISCONNECT_MS = 500;

class PgSession extends GuardedSession implements Session {
  readonly flavour = 'postgres';
  protected readonly canceller: Canceller;
  private unpinnable: PinRefusal | undefined;
  /** The question about planted objects, prepared once per session (pg-planted-statement.ts). */
  private readonly planted = new PlantedStatement();

  constructor(
    private readonly client: pg.Client, config: pg.ClientConfig, readonly tls: TlsSettings | null,
    readonly backendId: number, readonly serverVersion: string, readonly poolerConsole = false, private readonly backendStart = '', cancelGraceMs?: number,
  ) {
    super();
    if (poolerConsole) { this.pingSql = 'SHOW VERSION'; this.rollbackSql = undefined; }
    client.on('error', () => { this.broken = true; });
    client.on('end', () => { this.broken = true; });
    this.canceller = new Canceller(async (signal) => this.cancelLink(config, signal), () => this.destroy(), cancelGraceMs);
  }

  /** The protocol's CancelRequest first (no slot needed); pg_cancel_backend() over a new login if that fails. */
  private cancelLink(config: pg.ClientConfig, signal: AbortSignal): CancelLink {
    let sql: pg.Client | undefined;
    return {
      cancel: async () => {
        const key = backendKey(this.client);
        try {
          if (key) return await sendCancelRequest(config.host ?? 'localhost', config.port ?? 5432, key, signal);
        } catch { /* fall back to SQL */ }
        if (signal.aborted) return;
        sql ??= await connectPg({ ...config, application_name: 'runbook-cancel' }, AbortSignal.any([signal, AbortSignal.timeout(5000)]));
        await sql.query('SELECT pg_catalog.pg_cancel_backend($1)', [this.backendId]); // qualified: the role's search_path may shadow it
      },
      close: async () => { await sql?.end().catch(() => undefined); },
    };
  }

  async serverSession(): Promise<{ backend: number; started: string }> {
    return { backend: this.backendId, started: this.backendStart };
  }

  protected async transaction(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult> {
    if (this.poolerConsole) return this.consoleCommand(sql, params, opts);
    // SET takes no bind parameters; the value is an integer we computed.
    const timeout = opts.timeoutMs === undefined ? [] : [`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(opts.timeoutMs))}`];
    if (opts.readOnly) return this.readOnly(sql, params, timeout, opts);
    this.planted.forget(); // the author's statements run here next
    const prefix = ['BEGIN', ...timeout];
    if (params.length === 0) {
      await this.client.query(SESSION_PINNED); // a message ahead: the statements' own is read with these settings
      return this.beforeCommit(prefix, sql, opts.signal);
    }
    // Bind parameters need the extended protocol, one statement per message: three round trips.
    await this.client.query([SESSION_PINNED, ...prefix].join('; '));
    opts.signal.throwIfAborted();
    const result = await streamQuery(this.client, sql, params);
    opts.signal.throwIfAborted(); // finished as the abort came: roll back rather than commit
    await this.client.query('COMMIT');
    // A multi-statement text (allowed without params) yields one result per statement.
    return lastResult(result.slice(0));
  }

  /**
   * A step that is not destructive: its text is sent alone through the extended protocol (Parse/Bind/
   * Execute), where the server accepts exactly one statement, inside a READ ONLY transaction we opened, which
   * is then rolled back. So no text can end the transaction and then write (`COMMIT; DELETE …` is refused as
   * "cannot insert multiple commands into a prepared statement"), a write is refused with 25006, and a
   * vouched-for statement's SET or set_config() does not outlive the step. The message that opens the
   * transaction also pins the settings the classifier read the text with (db/pg-pin.ts). See docs/decisions.md.
   */
  private async readOnly(sql: string, params: unknown[], timeout: string[], opts: QueryOptions): Promise<QueryResult> {
    // A server or pooler that refused the pin once (PgBouncer in statement mode also drops the connection)
    // refuses it again: every later read on this session says why, not that the connection is gone.
    if (this.unpinnable) throw this.unpinnable;
    const major = majorOf(this.serverVersion);
    if (!opts.vouched) sql = proven(sql, major); // the engine's own text of what it proved; a vouched one runs as written
    // The pin's catalog queries (and the read's own) are planned: first, by COPY, that no catalog carries code
    // for the planner put there since the session opened. One round trip: 0.27 ms median on the lab server
    // (PostgreSQL 15 and 18, loopback, 500 reads; a `SELECT 1` is 0.05 ms), most of it pg_index's rows: 3.4 ms
    // in a database of 2,162 indexes (the lab's has PostgreSQL's own 162).
    await unplannedCatalogs(this.client, opts.signal, '(not run as a read)', major);
    const send = async (message: string) => (await this.client.query(message)) as unknown as Rows[];
    const checked = await checkRead(send, sql, { timeout, vouched: opts.vouched === true, major, unpinnable: (r) => { this.unpinnable = r; }, planted: this.planted });
    if (opts.vouched) this.planted.forget(); // the author's text, as written, runs next
    opts.signal.throwIfAborted();
    const result = await streamQuery(this.client, checked.text, params, true).catch((err: unknown) => {
      throw withSecretsRead(explainUnresolved(changedUnder(err), checked.pinned, checked.plan), checked.secretsRead);
    });
    await checked.unchanged(); // in the read's transaction: what no lock kept still, asked again
    // Not awaited: pg sends queued queries in order, so the ROLLBACK goes before anything this session runs
    // next, and its round trip overlaps the engine's own work between steps. A failure breaks the session.
    this.client.query('ROLLBACK').catch(() => { this.broken = true; });
    return withSecretsRead(lastResult(result), checked.secretsRead);
  }

  /**
   * PgBouncer's admin console knows no transactions (BEGIN READ ONLY is an error there) and no extended
   * protocol, so the read-only transaction cannot hold it. A step that is not destructive may send exactly one
   * `SHOW <word>` (consoleReadOnly): anything else is refused here before a byte is sent, whatever the SQL
   * classifier said. A destructive step (behind its gate) sends its text as it is (PAUSE, RELOAD, KILL …).
   * The console has no statement_timeout; an aborted command is cancelled by the protocol's CancelRequest.
   */
  private async consoleCommand(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult> {
    if (params.length > 0) throw new ConsoleRefusal('the PgBouncer admin console takes no bind parameters');
    const text = opts.readOnly ? consoleReadOnly(sql) : sql;
    opts.signal.throwIfAborted();
    return lastResult(await streamQuery(this.client, text, []));
  }

  /**
   * A destructive step: BEGIN, SET LOCAL and the statements as one simple-query message (their text ran past
   * the gate, and may hold several statements), then COMMIT as a message of its own, sent only once the
   * statements' results are here. PostgreSQL arms statement_timeout per statement, so the SET LOCAL applies to
   * the statements after it; an error stops the message and query() rolls back. Two round trips instead of
   * one, for this: a server runs a message to its end even when the client is gone, so a COMMIT in the same
   * message committed after the engine was killed, and a resume ran the statement a second time. Now an engine
   * that dies before the result arrives leaves an open transaction, which the server rolls back when it reads
   * the closed socket (client_connection_check_interval makes it look during a long statement).
   */
  private async beforeCommit(prefix: string[], sql: string, signal: AbortSignal): Promise<QueryResult> {
    const all = await streamQuery(this.client, `${prefix.join('; ')}; ${sql}`, []);
    signal.throwIfAborted(); // finished as the abort came: roll back rather than commit
    await this.client.query('COMMIT');
    return lastResult(all.slice(prefix.length));
  }

  protected plain(sql: string): Promise<unknown> { return this.client.query(sql); }

  protected async parametersLogged(): Promise<string | undefined> {
    if (this.poolerConsole) return undefined; // takes no parameters
    const r = await this.client.query<Record<string, unknown>>(PG_PARAMETER_LOGGING_SQL);
    return pgParametersLogged(r.rows[0] ?? {});
  }

  protected disconnect(): Promise<void> { return endWithin(this.client, DISCONNECT_MS); }

  protected destroy(): void {
    this.broken = true;
    streamOf(this.client)?.destroy();
  }
}

/** A command a read-only step may not send to PgBouncer's admin console; classified not-read-only. */
export class ConsoleRefusal extends Error {
  override readonly name = 'ConsoleRefusal';
  readonly code = '25006'; // read_only_sql_transaction: the classification a refused write gets
}

/**
 * The one form of console command a step that is not destructive may send: `SHOW` and one word (SHOW POOLS,
 * SHOW CLIENTS, SHOW SERVERS, SHOW CONFIG, SHOW STATS …), an optional `;`, nothing else. Every other console
 * command changes the pooler (PAUSE, KILL, RELOAD, SET, SHUTDOWN, RECONNECT …). Returns the text to send.
 */
export function consoleReadOnly(sql: string): string {
  const m = /^\s*show\s+([a-z_]+)\s*;?\s*$/i.exec(sql);
  if (!m) throw new ConsoleRefusal(`the PgBouncer admin console takes only SHOW <word> from a step that is not destructive (got: ${sql.trim().slice(0, 60)})`);
  return `SHOW ${m[1]!.toUpperCase()}`;
}

/** pg keeps the BackendKeyData it received (not in its typings). */
function backendKey(client: pg.Client): BackendKey | undefined {
  const c = client as unknown as { processID?: unknown; secretKey?: unknown };
  return typeof c.processID === 'number' && typeof c.secretKey === 'number' ? { pid: c.processID, secret: c.secretKey } : undefined;
}

function streamOf(client: pg.Client): { destroy(): void } | undefined {
  return (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
}

/** The major of a server_version ('15.8 (Debian 15.8-1)', '18.0'); 0 when unreadable: no grammar the engine
 *  reads, so a proven read is refused. */
function majorOf(version: string): number {
  const m = /^(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** end() waits for the server's goodbye; a dead peer must not hold close() forever. */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().catch(() => undefined);
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), ms); });
  const outcome = await Promise.race([ended, late]).finally(() => clearTimeout(timer));
  if (outcome === 'late') streamOf(client)?.destroy();
}

/** The statement as the engine writes it from its own parse (pg-parser.ts), read the same by the server's major's
 *  grammar; refused as a read when it cannot be. */
function proven(sql: string, major: number): string {
  const r = regeneratePg(sql, major);
  if ('error' in r) throw new PinRefusal(`the engine could not write this statement from its own reading (${r.error}): not run as a read`);
  return r.text;
}
