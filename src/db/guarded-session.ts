// What both drivers' sessions share: one statement at a time in its own transaction, cancelled on the server
// when the step is aborted, rolled back when it fails, and a close() that first stops whatever still runs.
import { SecretParameterLogged } from './parameter-logging.js';
import type { Canceller } from './canceller.js';
import type { LoginTimeline } from './login-timeline.js';
import type { QueryOptions, QueryResult } from './session.js';

export abstract class GuardedSession {
  protected broken = false;
  /** How long each phase of the login took, set by the opener. */
  timeline: LoginTimeline | undefined;
  private inflight: Promise<unknown> | undefined;
  protected abstract readonly canceller: Canceller;
  /** What ping() sends: SELECT 1, or a console command where SQL is not spoken (PgBouncer's admin console). */
  protected pingSql = 'SELECT 1';
  /** What a failed statement is followed by; none where there is no transaction (PgBouncer's admin console). */
  protected rollbackSql: string | undefined = 'ROLLBACK';

  /** BEGIN (read-only when asked, with the server-side timeout), the statement, COMMIT. */
  protected abstract transaction(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult>;
  /** Why the server would write a statement's parameters where others read them; undefined when it would not. */
  protected abstract parametersLogged(): Promise<string | undefined>;
  /** A plain statement outside any transaction logic (ROLLBACK, SELECT 1). */
  protected abstract plain(sql: string): Promise<unknown>;
  /** Ends the connection, bounded in time even when the peer is gone. */
  protected abstract disconnect(): Promise<void>;
  /** Drops the socket at once (no goodbye). */
  protected abstract destroy(): void;

  get alive(): boolean { return !this.broken; }

  async query(sql: string, params: unknown[], opts: QueryOptions): Promise<QueryResult> {
    if (opts.secretParams && params.length) {
      const why = await this.parametersLogged();
      if (why) throw new SecretParameterLogged(why);
    }
    const work = this.transaction(sql, params, opts);
    this.inflight = work;
    const stopWatching = this.canceller.cancelOnAbort(opts.signal, work);
    try {
      return await work;
    } catch (err) {
      await stopWatching(); // no cancel may land on the ROLLBACK
      if (this.rollbackSql) await this.plain(this.rollbackSql).catch(() => { this.broken = true; });
      throw err;
    } finally {
      this.inflight = undefined;
      await stopWatching();
    }
  }

  async ping(signal: AbortSignal): Promise<void> {
    const work = this.plain(this.pingSql);
    const stop = this.canceller.cancelOnAbort(signal, work);
    try { await work; } finally { await stop(); }
  }

  async close(): Promise<void> {
    if (this.inflight) await this.canceller.cancelUntilSettled(this.inflight);
    // A connection that broke (or whose statement would not cancel) gets no goodbye: it would not answer.
    if (this.broken || this.inflight) { this.broken = true; this.destroy(); return; }
    this.broken = true;
    await this.disconnect();
  }
}
