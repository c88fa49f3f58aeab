// MySQL and MariaDB sessions over mysql2. Like PostgreSQL, each step gets its own transaction; the statement
// timeout is per statement too (MariaDB SET STATEMENT, MySQL hint), and a step that is not destructive runs
// one statement, read-only even through DDL's implicit commit.
import mysql from 'mysql2';
import type { Connection as PromiseConnection, FieldPacket } from 'mysql2/promise';
import { raceAbort } from './abort.js';
import { Canceller } from './canceller.js';
import { RowBudget } from './row-budget.js';
import { columnKeys, rowOf } from './result-columns.js';
import { socketPath, type ConnectionInfo } from './url.js';
import type { TlsSettings } from './ssl-options.js';
import { withSecretsRead, type OpenOptions, type QueryOptions, type QueryResult, type ServerFlavour, type Session } from './session.js';
import { failedThroughCode, mysqlSecretsReached, type Reach } from './mysql-secret-reach.js';
import { loadableCallRefusal } from './mysql-loadable-functions.js';
import { codeChanged, swapRefusal, swappableNativeCode, UNANSWERED } from './mysql-code-swap.js';
import { connectionStringShown } from './mysql-connection-strings.js';
import { mysqlUnqualifiedCalls } from '../language/sql/mysql-calls.js';
import { GuardedSession } from './guarded-session.js';
import { whyNotInformationSchema } from '../language/sql/mysql-information-schema.js';
import { checkGatedPin, checkMysqlIsolation, checkMysqlPin, checkStatTables, gatedPinFailed, mysqlPinFailed, PIN_SQL, READ_BACK_SQL, readBackSql, readPinNames, readPinSql } from './mysql-pin.js';
import { writeUtf8 } from './mysql-encoder.js';
import { checkGenerated, checkRelations, checkServerView, generatedQuery, isBaseTable, isVirtualSchema, relationsQuery, viewsQuery, withDefinitions, type RelationRow, type ServerView } from './mysql-relations-check.js';
import { MYSQL_AUDIT_PLUGINS_SQL, MYSQL_PARAMETER_LOGGING_SQL, mysqlAuditLogged, mysqlParametersLogged } from './parameter-logging.js';
import { PinRefusal } from './pin-refusal.js';
import { checkValuePins } from './mysql-value-pins.js';
import { checkReadWarnings } from './mysql-read-warnings.js';
import { checkSessionVariables } from './mysql-session-variables.js';
import { INIT_CONNECT_SQL, INIT_CONNECT_SQL_MYSQL, initConnectRefusal, type FirstAnswer } from './mysql-init-connect.js';
import { checkListedServerViews, checkRemoteEngines, checkStatsOnMetadata, isShow, listingQuery, listsTables, preparesViews, serverViewsQuery, STATS_ON_METADATA_SQL, unprovenInformationSchema } from './mysql-remote-engines.js';
import {
  answered, appLockRefusal, appRelation, HOLD_LIMIT_MS, holdFailed, holdSql, holdTimedOut, isStatementTimeout, lockFailed, lockSql,
  ownTablesOnly, sameRelations, slowCall, slowCallRefusal, tableLocking, type HeldBy,
} from './mysql-hold.js';
import { mysqlReadRelations } from '../language/sql/mysql-read-relations.js';
import { mysqlRelations, type MysqlRelation } from '../language/sql/mysql-relations.js';
import { mysqlVersionNumber, regenerateMysql } from '../language/sql/mysql-regenerate.js';
import { classify } from './classify.js';
import { LoginClock, withTimeline, type LoginTimeline } from './login-timeline.js';
import { watchLink, type MysqlLink } from './mysql-link.js';
import { plainIfNoTls } from './mysql-prefer.js';
import { pinnedSocket } from './pinned-socket.js';

/** The server's own views read views in turn (sys's do, a few deep): a chain longer than this is not followed. */
const MAX_VIEW_DEPTH = 8;

export function mysqlConfig(info: ConnectionInfo, tls: TlsSettings | null, timeoutMs: number, address?: string): mysql.ConnectionOptions {
  const socket = socketPath(info);
  return {
    // Pinned to the address the client's walk reached; mysql2 still names config.host to TLS.
    ...(address && !socket ? { stream: () => pinnedSocket(address).connect(info.port).setNoDelay(true) } : {}),
    // openSession has filled in MYSQL_PWD from the run's environment when the URL has no password.
    ...(socket ? { socketPath: socket } : { host: info.host, port: info.port }), user: info.user, password: info.password,
    ...(info.database ? { database: info.database } : {}),
    ...(tls ? { ssl: mysqlSsl(tls) } : {}),
    connectTimeout: Math.max(1, Math.ceil(timeoutMs)),
    supportBigNumbers: true,  // BIGINT beyond 2^53 as text, not rounded
    dateStrings: true,        // dates as the server prints them, not shifted into the local zone
    multipleStatements: false,
    charset: 'utf8mb4',
  };
}

function mysqlSsl(tls: TlsSettings): mysql.SslOptions {
  return {
    ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}),
    rejectUnauthorized: tls.verifyChain,
    verifyIdentity: tls.verifyHost,
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}), ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
  };
}

/**
 * Connects with the callback API, so that an abort can destroy the half-open socket. A failed connect's error
 * carries what its connection showed (`mysqlLink`: TCP, the first packet, the certificate; db/mysql-link.ts) and
 * the server's greeting (`mysqlGreeting`: version, TLS offered) when one came, read off this connection.
 */
export async function connectMysql(config: mysql.ConnectionOptions, signal: AbortSignal): Promise<PromiseConnection> {
  return (await connectMysqlLink(config, signal)).conn;
}

/** connectMysql, and what the connection showed below the login. */
export function connectMysqlLink(config: mysql.ConnectionOptions, signal: AbortSignal, tlsIfOffered = false): Promise<{ conn: PromiseConnection; link: MysqlLink; timeline: LoginTimeline }> {
  const conn = mysql.createConnection(config);
  conn.on('error', () => undefined); // a server-side disconnect must never crash the run
  if (tlsIfOffered) plainIfNoTls(conn);
  const clock = new LoginClock();
  const link = watchLink(conn, config.host ?? 'localhost', clock);
  // The server speaks first (its greeting); TLS only where the login started it; auth ends with the handshake.
  const timeline = (seen: MysqlLink, finished: boolean): LoginTimeline =>
    clock.read(['tcp', 'greeting', ...(seen.tlsStarted ? ['tls' as const] : []), 'auth'], finished);
  const connected = new Promise<{ conn: PromiseConnection; link: MysqlLink; timeline: LoginTimeline }>((resolve, reject) => {
    conn.connect((err) => {
      if (err) return reject(err);
      clock.mark('auth');
      const seen = link();
      resolve({ conn: conn.promise(), link: seen, timeline: timeline(seen, true) });
    });
  });
  return raceAbort(connected, signal).catch((err: unknown) => {
    dropConnection(conn);
    const seen = link();
    if (err !== null && typeof err === 'object' && !Object.isFrozen(err)) {
      Object.assign(err, { mysqlLink: seen, ...(seen.greeting && !signal.aborted ? { mysqlGreeting: seen.greeting } : {}) });
    }
    throw withTimeline(err, timeline(seen, false));
  });
}

/**
 * mysql2's destroy() only half-closes the socket (FIN) and waits for the server to close its side; a frozen
 * server never does, and the socket then kept the process alive. Dropping it means destroying the stream.
 */
export function dropConnection(conn: mysql.Connection | PromiseConnection): void {
  const core = 'connection' in conn ? (conn as unknown as { connection: mysql.Connection }).connection : conn as mysql.Connection;
  core.destroy();
  (core as unknown as { stream?: { destroy(): void } }).stream?.destroy();
}

export async function openMysqlSession(info: ConnectionInfo, tls: TlsSettings | null, opts: OpenOptions): Promise<Session> {
  const before = opts.refused?.before(info);
  if (before) throw new PinRefusal(`${before} (found at an earlier login of this run: not logged in again)`);
  const config = mysqlConfig(info, tls, opts.timeoutMs, opts.address);
  const connecting = Date.now();
  const { conn, link, timeline } = await connectMysqlLink(config, opts.signal, tls?.ifOffered === true);
  // prefer on a server without TLS went on in plain text (db/mysql-prefer.ts): the session is plain.
  const used = tls && !link.tlsStarted ? { tls: null, config: { ...config, ssl: undefined } } : { tls, config };
  try {
    // The whole session speaks the dialect the classifier reads (db/mysql-pin.ts); every step pins it again, and
    // refuses to run where it cannot (pin(), pinForGate()): best effort here. A failing
    // init_connect answers this first statement with 1184 and closes: that error is the one that says why.
    await raceAbort(conn.query(PIN_SQL), opts.signal).catch((err: unknown) => {
      if (opts.signal.aborted) throw err;
      if (classify(err) === 'init-connect-failed') {
        // Its code ran before it failed (a probe of stop 69: a procedure that wrote a row and raised
        // max_connections, then SIGNALed, ran at each of 16 polls of a dry run): no later login of this run runs
        // it again, until the operator answers a manual step (refused-servers.ts).
        opts.refused?.remember(info, `the server's init_connect failed at a login of ${info.user} after it ran (${(err as Error).message}); it runs again at every login`, true);
        throw err;
      }
    });
    // The pin and this question so far; MySQL 8 answers the second form (a third statement).
    const [first, sent] = await raceAbort(conn.query(INIT_CONNECT_SQL), opts.signal)
      .then(([rows]) => [rows, 2] as const, () => raceAbort(conn.query(INIT_CONNECT_SQL_MYSQL), opts.signal).then(([rows]) => [rows, 3] as const))
      .then(([rows, n]) => [(rows as (FirstAnswer & { version?: unknown })[])[0], n] as const);
    const ran = initConnectRefusal(first, sent, (Date.now() - connecting) / 1000);
    if (ran) { opts.refused?.remember(info, ran); throw new PinRefusal(ran); }
    const version = String(first?.version ?? '');
    return Object.assign(new MysqlSession(conn, used.config, used.tls, conn.threadId, version, link, opts.cancelGraceMs, () => opts.refused?.before(info)), { timeline });
  } catch (err) {
    dropConnection(conn);
    throw err;
  }
}

/** Uses a table, returns nothing, and warns of nothing: the diagnostics area is empty after it. */
const CLEAR_DIAGNOSTICS = 'SELECT 1 FROM information_schema.COLLATIONS LIMIT 0';

class MysqlSession extends GuardedSession implements Session {
  readonly flavour: ServerFlavour;
  protected readonly canceller: Canceller;
  private sessionMadeReadOnly = false;
  /** The session's database, asked once, until a statement that may change it (USE) runs: only proven reads keep it. */
  private knownDatabase: Promise<string | null> | undefined;

  constructor(
    private readonly conn: PromiseConnection, config: mysql.ConnectionOptions, readonly tls: TlsSettings | null,
    readonly backendId: number, readonly serverVersion: string, readonly mysqlLink: MysqlLink, cancelGraceMs?: number,
    refused: () => string | undefined = () => undefined,
  ) {
    super();
    this.flavour = /mariadb/i.test(serverVersion) ? 'mariadb' : 'mysql';
    conn.on('error', () => { this.broken = true; });
    conn.on('end', () => { this.broken = true; });
    this.canceller = new Canceller(async (signal) => {
      // The cancel's own login runs init_connect as any login does: none where one was refused (the session is
      // dropped instead, which ends its statement at the server's next check).
      const why = refused();
      if (why) throw new Error(why);
      const c = await connectMysql(config, AbortSignal.any([signal, AbortSignal.timeout(5000)]));
      return {
        // KILL takes no bind parameters; the id is the integer the server gave us.
        cancel: async () => { await c.query(`KILL QUERY ${Math.trunc(backendId)}`); },
        close: async () => { dropConnection(c); },
      };
    }, () => this.destroy(), cancelGraceMs);
  }

  private serverStart: Promise<string> | undefined;

  /** The connection id, and when the server started (ids start again from 1 with the server): asked once. */
  async serverSession(signal: AbortSignal): Promise<{ backend: number; started: string }> {
    this.serverStart ??= raceAbort(this.conn.query(serverStartSql(this.flavour)), signal)
      .then(([rows]) => String((rows as { started?: unknown }[])[0]?.started ?? ''));
    this.serverStart.catch(() => { this.serverStart = undefined; });
    return { backend: this.backendId, started: await this.serverStart };
  }

  /** The session's variables were found at their defaults, or pinned (mysql-session-variables.ts): they change
   *  only with a login or a reset, or by a statement the engine did not write, which leaves the session reset. */
  private variablesChecked = false;

  /** A statement the engine did not write ran on this connection (a gated or vouched step): what it left on the
   *  session is cleared before the next proven read (freshSession). */
  private leftState = false;

  /**
   * COM_RESET_CONNECTION: a session's temporary tables, user variables, session settings and prepared statements
   * go, as at a login (its database stays). A gated step's `CREATE TEMPORARY TABLE t … ENGINE=FEDERATED` (inside
   * the owner's procedure) stood in front of the application's InnoDB `t`, which the engine checked and held,
   * while the server read the temporary one, on another server (a probe of stop 71); information_schema does not
   * list temporary tables. A proven read can make none of these, so only what another statement left is cleared.
   */
  private async freshSession(): Promise<void> {
    if (!this.leftState) return;
    await this.conn.reset();
    this.leftState = false;
    this.variablesChecked = false;
    this.sessionMadeReadOnly = false;
    this.knownDatabase = undefined;
  }

  protected async transaction(written: string, params: unknown[], opts: QueryOptions): Promise<QueryResult> {
    if (!opts.readOnly || opts.vouched) this.knownDatabase = undefined;
    if (opts.readOnly && !opts.vouched) await this.freshSession();
    else this.leftState = true;
    // A proven read runs as the engine writes it from its own parse (mysql-regenerate.ts); a vouched one as written.
    const sql = opts.readOnly && !opts.vouched ? this.proven(written) : written;
    if (opts.readOnly) await this.pin();
    else await this.pinForGate();
    await this.sessionReadOnly(opts.readOnly);
    await this.conn.query(opts.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
    // Checked inside the read's transaction: what holds its relations still lasts until it ends (mysql-hold.ts).
    const checked = opts.readOnly ? await this.relations(sql, opts.vouched === true, false) : undefined;
    if (checked?.view) {
      await this.conn.query('ROLLBACK');
      return this.underLock(sql, params, opts, checked.view);
    }
    // A table of an engine that locks whole tables (the server's own; an application's was refused): the read
    // holds that lock for as long as it runs, so it may not sleep, and runs for HOLD_LIMIT_MS at most.
    let result: QueryResult;
    if (checked?.table) {
      const call = slowCall(sql);
      if (call) throw slowCallRefusal(call, { table: checked.table });
      const table = checked.table;
      result = await this.reaching(sql, opts, () => this.heldStatement(sql, params, opts, { table }));
    } else {
      result = opts.readOnly ? await this.reaching(sql, opts, () => this.statement(sql, params, opts)) : await this.statement(sql, params, opts);
    }
    // Asked in the statement's transaction, gated or not: a table's definition may hold another server's login.
    const login = await connectionStringShown(this.ask, sql);
    if (login.length) result = withSecretsRead(result, [...(result.secretsRead ?? []), ...login]);
    // A read has nothing to commit; ROLLBACK also ends any transaction the statement itself opened.
    await this.conn.query(opts.readOnly ? 'ROLLBACK' : 'COMMIT');
    return result;
  }

  private async statement(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult> {
    opts.signal.throwIfAborted();
    const text = statementSettings(sql, this.flavour, opts);
    // execute() binds server-side; query() without values allows statements that cannot be prepared.
    // Neither accepts two statements: the connection has multipleStatements off.
    const result = params.length > 0 ? await this.execute(text, params) : await this.stream(text);
    opts.signal.throwIfAborted(); // SLEEP() returns normally when killed: roll back rather than commit
    // mysql2 does not pass on a result set's warning count: a read asks for its warnings, one round trip.
    if (opts.readOnly) checkReadWarnings((await this.conn.query('SHOW WARNINGS'))[0] as { Code?: unknown }[]);
    return result;
  }

  /**
   * A read of a view of the server's own: LOCK TABLES holds what it reads (the view, and what the view reads)
   * before it is checked, until the read ends (mysql-hold.ts). No transaction: the lock would end with it; the
   * statement is read-only by itself (statementSettings; MySQL: the session, sessionReadOnly). The lock keeps
   * other sessions' writes to what it holds waiting: a read that names a table outside the server's own schemas
   * is refused before it is taken, and the read runs for HOLD_LIMIT_MS at most (mysql-hold.ts).
   */
  private async underLock(sql: string, params: unknown[], opts: QueryOptions, view: string): Promise<QueryResult> {
    const refs = mysqlReadRelations(sql, this.flavour === 'mariadb') ?? [];
    const lock = lockSql(refs);
    if (!lock) throw new PinRefusal(`it reads ${view}, a view of the server's own, and the engine's parse of the statement does not say what to hold still while it checks it: not run as a read`);
    const app = appRelation(refs, refs.some((r) => r.relation[0] === undefined) ? await this.database() : null);
    if (app) throw appLockRefusal(view, app);
    const call = slowCall(sql);
    if (call) throw slowCallRefusal(call, { view });
    await this.conn.query(lock).catch((err: unknown) => lockFailed(err, view));
    try {
      await this.relations(sql, opts.vouched === true, true);
      return await this.reaching(sql, opts, () => this.heldStatement(sql, params, opts, { view }));
    } finally {
      // A session that could not let go of its locks is not used again.
      await this.conn.query('UNLOCK TABLES').catch(() => { this.broken = true; });
    }
  }

  /**
   * A read, and what of the server's password store it reaches through the views and routines it names, as the
   * server resolves them (mysql-secret-reach.ts), on its result or its error: the step is given that. Asked before
   * the statement and again after it, still in its transaction (or lock): what the statement opened stays held
   * until then, so the second answer is the code that ran; the first covers a failed statement, which holds nothing.
   */
  private async reaching(sql: string, opts: QueryOptions, run: () => Promise<QueryResult>): Promise<QueryResult> {
    const before = await this.secretsReached(sql, opts.vouched === true);
    await this.refuseLoadableCalls(sql, opts.vouched === true, before);
    const native = await swappableNativeCode(this.ask, before);
    if (native) throw new PinRefusal(native);
    // The question's own warnings (1585: a routine named like a native function) stay in the diagnostics area
    // until a statement that uses a table: a statement of none (`SELECT COUNT(1)`) then read them as its own, and
    // the read was refused. An empty read of a table clears them.
    if ((mysqlRelations(sql) ?? []).length) await this.conn.query(CLEAR_DIAGNOSTICS);
    let result: QueryResult;
    try {
      result = await run();
    } catch (err) {
      const after = await this.secretsReached(sql, opts.vouched === true);
      const ran = failedThroughCode([...new Set([...before.code, ...after.code])]);
      throw withSecretsRead(err, [...new Set([...before.given, ...after.given, ...ran])]);
    }
    // Asked again with what the statement opened still held: another answer means other code ran than was checked
    // (mysql-code-swap.ts): the result is dropped and the read refused, in the engine's words only (none of the
    // read's data is in them, so they are shown as they are: the operator learns why).
    const after = await this.secretsReached(sql, opts.vouched === true);
    const changed = codeChanged(before, after);
    if (changed) throw new PinRefusal(swapRefusal(changed));
    return withSecretsRead(result, [...new Set([...before.given, ...after.given])]);
  }

  /** What the read's names reach; a question the server could not answer leaves the read given (not known). */
  private secretsReached(sql: string, vouched: boolean): Promise<Reach> {
    return mysqlSecretsReached(this.ask, mysqlRelations(sql) ?? [], this.serverVersion, vouched).catch((err: unknown): Reach => ({
      given: [`what the views and routines it names reach, which the server could not say (${err instanceof Error ? err.message : String(err)}; they may reach the server's stored passwords)`], code: [],
      calls: [], unread: ['the views and routines it names (the server could not say which)'],
      definitions: [UNANSWERED],
    }));
  }

  private readonly ask = async (q: string, values: string[]) => (await this.conn.query(q, values))[0] as Record<string, unknown>[];

  /** A read whose text, or a view or routine it reaches, may call a loadable function (UDF) is refused before it
   *  runs (mysql-loadable-functions.ts): the server would run native code the engine did not review. A proven
   *  text calls only functions on the read list, natives all. */
  private async refuseLoadableCalls(sql: string, vouched: boolean, reach: Reach): Promise<void> {
    const own = vouched ? mysqlUnqualifiedCalls(sql) : [];
    const why = await loadableCallRefusal(this.ask, [...own ?? [], ...reach.calls], [...own ? [] : ['its text'], ...reach.unread]);
    if (why) throw new PinRefusal(why);
  }

  /** The session's database, which an unqualified name is in. */
  private async database(): Promise<string | null> {
    const [rows] = await this.conn.query('SELECT DATABASE() AS db');
    const db = (rows as { db?: unknown }[])[0]?.db;
    return typeof db === 'string' ? db : null;
  }

  /**
   * The statement under LOCK TABLES, for HOLD_LIMIT_MS at most (the step's timeout when shorter): the server's
   * statement limit, and KILL QUERY a second later where that does not apply (MySQL: a statement other than a
   * plain SELECT). A read that ran that long is a timeout, whatever it returned (a killed SLEEP returns a value).
   */
  private async heldStatement(sql: string, params: unknown[], opts: QueryOptions, by: HeldBy): Promise<QueryResult> {
    if (opts.timeoutMs !== undefined && opts.timeoutMs <= HOLD_LIMIT_MS) return this.statement(sql, params, opts);
    const started = performance.now();
    const ranFull = () => performance.now() - started >= HOLD_LIMIT_MS;
    const work = this.statement(sql, params, { ...opts, timeoutMs: HOLD_LIMIT_MS });
    let cancelling: Promise<void> | undefined;
    const timer = setTimeout(() => { cancelling = this.canceller.cancelUntilSettled(work); }, HOLD_LIMIT_MS + 1000);
    try {
      const result = await work;
      if (ranFull()) throw holdTimedOut(undefined, by, HOLD_LIMIT_MS);
      return result;
    } catch (err) {
      if (!opts.signal.aborted && (isStatementTimeout(err) || cancelling !== undefined)) throw holdTimedOut(err, by, HOLD_LIMIT_MS);
      throw err;
    } finally {
      clearTimeout(timer);
      await cancelling; // no KILL QUERY may land on UNLOCK TABLES
    }
  }

  private proven(sql: string): string {
    const r = regenerateMysql(sql, { mariadb: this.flavour === 'mariadb', version: mysqlVersionNumber(this.serverVersion) });
    if ('error' in r) throw new PinRefusal(`the engine could not write this statement from its own reading (${r.error}): not run as a read`);
    return r.text;
  }

  /** Before every read: sql_mode and the client character set as the classifier read the text, and the isolation
   *  level under which a plain SELECT takes no row lock (REPEATABLE READ), each read back; mysql2 writing UTF-8.
   *  MariaDB: once per login or reset, no other session variable away from its default where that may change a
   *  read's values (mysql-session-variables.ts). */
  private async pin(): Promise<void> {
    try {
      const mariadb = this.flavour === 'mariadb';
      // A statement the engine did not write may have set any (leftState): asked again before any read after it.
      const variables = mariadb && (!this.variablesChecked || this.leftState);
      await this.conn.query(readPinSql(mariadb));
      const [rows] = await this.conn.query(readBackSql(mariadb, variables));
      const row = (rows as Record<string, unknown>[])[0];
      checkMysqlPin(row);
      checkMysqlIsolation(row);
      if (mariadb) checkStatTables(row);
      checkValuePins(row, mariadb);
      if (variables) checkSessionVariables(row?.variables, readPinNames(mariadb));
      this.variablesChecked ||= variables;
    } catch (err) {
      throw mysqlPinFailed(err);
    }
    writeUtf8(this.conn);
  }

  /**
   * Before every destructive step: sql_mode and the client character set as the gate showed its text, whatever an
   * earlier gated step set (a probe of stop 73: its `SET sql_mode = 'NO_BACKSLASH_ESCAPES'` made the next gate's
   * UPDATE of one note an UPDATE of every note), read back; and mysql2 writing UTF-8 again (mysql-encoder.ts). Its
   * own message, ahead of the step's: the server lexes a message with the settings in force when it arrives. A
   * gated step's own SET then holds for that step only.
   */
  private async pinForGate(): Promise<void> {
    try {
      await this.conn.query(PIN_SQL);
      const [rows] = await this.conn.query(READ_BACK_SQL);
      checkGatedPin((rows as Record<string, unknown>[])[0]);
    } catch (err) {
      throw gatedPinFailed(err);
    }
    writeUtf8(this.conn);
  }

  /**
   * Before every read: the relations it names, as the server resolves them (mysql-relations-check.ts), and those
   * the server's own views among them read, in turn. In the read's transaction, each round is judged, its base
   * tables held (mysql-hold.ts) and asked about again: an answer that changed in between is refused. A view of
   * the server's own cannot be held there: its name is given back, and the read is checked again under
   * LOCK TABLES (`locked`), where everything it reads is already held.
   */
  private async relations(sql: string, vouched: boolean, locked: boolean): Promise<{ view?: string; table?: string }> {
    // A text the grammars cannot read never gets here as a read: the executor's classifier refuses it first
    // (executors/sql-read-only.ts), and the read-only transaction still stands behind that.
    const seen = new Set<string>();
    const fresh = (rs: MysqlRelation[]) => rs.filter((r) => !isVirtualSchema(r[0]) && !seen.has(JSON.stringify(r)) && seen.add(JSON.stringify(r)));
    const named = mysqlRelations(sql) ?? [];
    let asked = fresh(named);
    let table: string | undefined;
    // The step vouches for what its text reaches; a server view's definition is not the author's (as below).
    let lists = !vouched && await this.listsTables(sql, named);
    if (lists) {
      const unproven = unprovenInformationSchema(named, this.knownDatabase ? await this.knownDatabase : null);
      if (unproven) throw new PinRefusal(`it reads information_schema.${unproven}, ${whyNotInformationSchema(unproven)}: not run as a read`);
    }
    let prepares = lists && preparesViews(sql, named, this.knownDatabase ? await this.knownDatabase : null);
    for (let depth = 0; asked.length; depth++) {
      if (depth === MAX_VIEW_DEPTH) throw new PinRefusal(`the server's own views it reads nest deeper than ${MAX_VIEW_DEPTH}: not run as a read`);
      const rows = await this.relationRows(asked);
      // A table that a read locks whole: an application's, or a MERGE table, is refused before anything is held;
      // the server's own is read under the hold's limit (mysql-hold.ts, tableLocking).
      table ??= tableLocking(rows);
      // The step vouches for what its own text names, not for what a server view's definition reads.
      const views = checkRelations(rows, vouched && depth === 0);
      if (views.length && !locked) return { view: views[0]!.what };
      // Only the first round gets here unlocked (a server view is the only way to a second). Asked again only when
      // something was held: what was not is absent (and failed the read) or a vouched view.
      if (!locked && await this.holdRound(rows, vouched ? [] : this.written(sql))) {
        sameRelations(rows, await this.relationRows(asked));
      }
      // Held now (by the round's hold, or by LOCK TABLES on a server view, which holds what its definition reads):
      // each base table's generated columns, code the server runs for every row the read reaches. A server view
      // over a table with one ran it unchecked (root's sys view over mysql.gt2, DEFAULT(a) over NEXTVAL: the server
      // crashed at a dry run; a probe of stop 70).
      if (!(vouched && depth === 0)) await this.generatedColumns(rows.filter(isBaseTable));
      // Locked here: LOCK TABLES on a view holds what its definition reads too, so that must be the server's own.
      asked = fresh(views.flatMap((v) => this.proveServerView(v)));
      // sys's views read information_schema (sys.schema_auto_increment_columns: TABLES, COLUMNS).
      lists ||= views.some((v) => listsTables(v.definition, mysqlRelations(v.definition) ?? [], v.schema));
      prepares ||= views.some((v) => preparesViews(v.definition, mysqlRelations(v.definition) ?? [], v.schema));
    }
    if (lists) await this.noRemoteEnginesNorStats(prepares);
    // A SHOW of one table (SHOW INDEX FROM t) opens it too: its statistics are recalculated the same.
    else if (!vouched && isShow(sql)) await this.noStatsOnMetadata();
    return { table };
  }

  /** Whether the read may make the server open tables it does not name (mysql-remote-engines.ts). The session's
   *  database is asked only for a read with an unqualified name: there it may be information_schema. */
  private async listsTables(sql: string, named: MysqlRelation[]): Promise<boolean> {
    if (listsTables(sql, named, null)) return true;
    if (!named.some(([schema]) => schema === undefined)) return false;
    this.knownDatabase ??= this.database();
    this.knownDatabase.catch(() => { this.knownDatabase = undefined; });
    return listsTables(sql, named, await this.knownDatabase);
  }

  /** Before a read that lists tables: none the session can see is of an engine that may reach another server
   *  when the server opens it (mysql-remote-engines.ts), and opening them recalculates no statistics; one round
   *  trip. The query itself opens no handler. */
  private async noRemoteEnginesNorStats(views: boolean): Promise<void> {
    const q = listingQuery(views);
    const rows = await this.conn.query(q.sql, q.values).then(([r]) => r as { m?: unknown; s?: unknown; n?: unknown; e?: unknown }[], () => undefined);
    checkStatsOnMetadata(rows); // a server that could not answer refuses here
    checkRemoteEngines(rows!);
    if (!views) return;
    // The server's own views it lists, by their definitions: a definer is anyone's to write (a probe of stop 72).
    const v = serverViewsQuery();
    const listed = await this.conn.query(v.sql, v.values).then(([r]) => r as { s?: unknown; n?: unknown; d?: unknown; w?: unknown }[], () => {
      throw new PinRefusal('the server prepares every view this read lists, and its own views could not be read to check them: not run as a read');
    });
    checkListedServerViews(listed, this.serverVersion, (view) => this.proveServerView(view));
  }

  /** Before a read that opens tables for their metadata: opening one recalculates no statistics. */
  private async noStatsOnMetadata(): Promise<void> {
    checkStatsOnMetadata(await this.conn.query(STATS_ON_METADATA_SQL).then(([rows]) => rows as { m?: unknown }[], () => undefined));
  }

  /** A server view's definition proven a read over the server's own tables; the relations it reads, to ask about. */
  private proveServerView(view: ServerView): MysqlRelation[] {
    const reads = checkServerView(view);
    this.ownTablesOnly(view);
    return reads;
  }

  /** LOCK TABLES on a server view holds the tables its definition reads (the engine's parse of the definition as
   *  the server keeps it, names qualified): they must be in the server's own schemas. */
  private ownTablesOnly(view: ServerView): void {
    const reads = mysqlReadRelations(view.definition, this.flavour === 'mariadb');
    ownTablesOnly(view.what, reads?.map(({ relation: [schema, name] }): MysqlRelation => [schema ?? view.schema, name]));
  }

  /** What a proven read writes as relations (not information_schema's or performance_schema's). */
  private written(sql: string): MysqlRelation[] {
    return (mysqlReadRelations(sql, this.flavour === 'mariadb') ?? []).map((r) => r.relation).filter(([schema]) => !isVirtualSchema(schema));
  }

  /** Holds a round's base tables, and opens each relation the read writes that was not shown: nothing holds a
   *  name that does not exist, and one created after the check would be read unchecked. True when it held any. */
  private async holdRound(rows: RelationRow[], written: MysqlRelation[]): Promise<boolean> {
    const probes: [string, string][] = [
      ...rows.filter(isBaseTable).map((r): [string, string] => [holdSql(r), `${String(r.s)}.${String(r.n)}`]),
      ...written.filter((w) => !answered(rows, w)).map((r): [string, string] => [holdSql(r), r.filter(Boolean).join('.')]),
    ];
    let held = false;
    for (const [sql, what] of probes) held = await this.conn.query(sql).then(() => true, (err: unknown) => holdFailed(err, what)) || held;
    return held;
  }

  private async generatedColumns(tables: RelationRow[]): Promise<void> {
    if (!tables.length) return;
    const q = generatedQuery(tables);
    checkGenerated((await this.conn.query(q.sql, q.values))[0] as RelationRow[]);
  }

  private async relationRows(asked: MysqlRelation[]): Promise<RelationRow[]> {
    const q = relationsQuery(asked);
    const rows = (await this.conn.query(q.sql, q.values))[0] as RelationRow[];
    const views = rows.filter((r) => !isBaseTable(r));
    if (!views.length) return rows;
    const v = viewsQuery(views);
    return withDefinitions(rows, (await this.conn.query(v.sql, v.values))[0] as RelationRow[]);
  }

  /**
   * DDL commits the transaction it is in and then runs on its own, so a READ ONLY transaction alone does not
   * stop it. MariaDB: `SET STATEMENT tx_read_only=1` on the statement itself (statementSettings), which holds
   * through that implicit commit (tested: CREATE/DROP/RENAME/TRUNCATE TABLE are refused with 1792). MySQL has
   * no SET STATEMENT: the session is made read-only before a read-only step, every time (the previous step's
   * one statement may have changed it), and read-write again before a destructive one.
   */
  private async sessionReadOnly(readOnly: boolean): Promise<void> {
    if (this.flavour === 'mariadb') return;
    if (!readOnly && !this.sessionMadeReadOnly) return;
    await this.conn.query(`SET SESSION TRANSACTION ${readOnly ? 'READ ONLY' : 'READ WRITE'}`);
    this.sessionMadeReadOnly = readOnly;
  }

  /**
   * A server-side prepared statement, closed right after: the SQL text embeds the remaining time,
   * so mysql2's statement cache would otherwise keep one open statement per step on the server.
   */
  private async execute(text: string, params: unknown[]): Promise<QueryResult> {
    try {
      return await this.stream(text, params.map(bindable));
    } finally {
      // Found by the options it was prepared with (mysql2 keys its statements by them too).
      this.core.unprepare({ sql: text, ...BY_POSITION } as unknown as string);
    }
  }

  /**
   * mysql2's callback-less commands emit each row instead of collecting them: rows go through a RowBudget,
   * so a result of any size holds only its bounded prefix in memory. The last result set (or, for a
   * statement without one, its affected rows) is the statement's result.
   */
  private stream(text: string, values?: (string | number | boolean | null)[]): Promise<QueryResult> {
    const core = this.core;
    const options = { sql: text, ...BY_POSITION };
    const cmd = (values ? core.execute({ ...options, values }) : core.query(options)) as unknown as NodeJS.EventEmitter;
    let budget = new RowBudget();
    let columns: string[] | undefined;
    let affected = 0;
    return new Promise((resolve, reject) => {
      let failed = false;
      // A command without a callback is not told when the connection dies: the connection is.
      const fail = (err: unknown) => { failed = true; core.off('error', fail); reject(err); };
      core.on('error', fail);
      cmd.on('error', fail);
      cmd.on('fields', (fields: FieldPacket[] | undefined) => {
        budget = new RowBudget();
        columns = fields ? columnKeys(positional(fields)) : undefined;
      });
      cmd.on('result', (row: unknown) => {
        if (columns) budget.add(rowOf(columns, row as unknown[]));
        else affected = (row as { affectedRows?: number } | null)?.affectedRows ?? 0;
      });
      cmd.on('end', () => {
        core.off('error', fail);
        if (!failed) resolve(columns ? budget.result(columns, budget.rowsSeen, 'SELECT') : budget.result([], affected));
      });
    });
  }

  private get core(): mysql.Connection { return (this.conn as unknown as { connection: mysql.Connection }).connection; }

  protected plain(sql: string): Promise<unknown> { return this.conn.query(sql); }

  protected async parametersLogged(): Promise<string | undefined> {
    const [rows] = await this.conn.query(MYSQL_PARAMETER_LOGGING_SQL);
    const [plugins] = await this.conn.query(MYSQL_AUDIT_PLUGINS_SQL);
    return mysqlParametersLogged(rows as Record<string, unknown>[]) ?? mysqlAuditLogged(plugins as Record<string, unknown>[]);
  }

  protected async disconnect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, 500); }); // a healthy server answers in ms
    await Promise.race([this.conn.end().catch(() => undefined), late]).finally(() => clearTimeout(timer));
    dropConnection(this.conn);
  }

  protected destroy(): void {
    this.broken = true;
    dropConnection(this.conn);
  }
}

/** When the server started, in whole seconds since the epoch (now less its uptime; ±1 s between two asks). */
export function serverStartSql(flavour: ServerFlavour): string {
  const table = flavour === 'mysql' ? 'performance_schema.global_status' : 'information_schema.GLOBAL_STATUS';
  return `SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS SIGNED) AS started FROM ${table} WHERE VARIABLE_NAME = 'Uptime'`;
}

/** A step's rows by position, their columns' names kept as data (db/result-columns.ts). */
const BY_POSITION = { rowsAsArray: true } as const;

/** The engine passes strings, numbers, booleans and null; anything else is bound as its JSON text. */
function bindable(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * The columns' names as the server sent them; each field is then named by its position for mysql2, which builds
 * its row reader from the fields right after this event and refuses a name like `__proto__` even for rows read
 * as arrays. What a row holds is read by position only.
 */
function positional(fields: FieldPacket[]): string[] {
  return fields.map((f, i) => {
    const name = f.name;
    f.name = `c${i}`;
    return name;
  });
}

/**
 * MariaDB: `SET STATEMENT max_statement_time=<s>, tx_read_only=1 FOR <query>` (any statement; tx_read_only
 * only for a read-only step). MySQL 8: the MAX_EXECUTION_TIME optimizer hint, which exists for SELECT only;
 * other statements rely on KILL QUERY when the engine aborts the step.
 */
export function statementSettings(sql: string, flavour: ServerFlavour, opts: Pick<QueryOptions, 'readOnly' | 'timeoutMs'>): string {
  const ms = opts.timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(opts.timeoutMs));
  if (flavour === 'mariadb') {
    const settings = [...(ms === undefined ? [] : [`max_statement_time=${(ms / 1000).toFixed(3)}`]), ...(opts.readOnly ? ['tx_read_only=1'] : [])];
    return settings.length ? `SET STATEMENT ${settings.join(', ')} FOR ${sql}` : sql;
  }
  if (ms === undefined) return sql;
  const select = /^(\s*(?:\/\*(?!\+)[\s\S]*?\*\/\s*)*)select\b/i.exec(sql);
  if (!select) return sql;
  return `${select[1]}SELECT /*+ MAX_EXECUTION_TIME(${ms}) */${sql.slice(select[0].length)}`;
}
