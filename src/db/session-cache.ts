// One session per named connection for the life of an ExecutorSet: opened on first use, reused by
// later steps (so SET, temp tables and the backend pid carry over), closed once by close().
import type { Session } from './session.js';

export class SessionCache {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly closer = new AbortController();
  private closing: Promise<void> | undefined;

  /** Aborted by close(): pending opens give up instead of holding close() up. */
  get closeSignal(): AbortSignal { return this.closer.signal; }

  /** Runs `fn` with the key's session, one step at a time per session. */
  async use<T>(key: string, open: () => Promise<Session>, fn: (s: Session) => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(async () => fn(await this.get(key, open)));
    this.locks.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.locks.get(key) === mine) this.locks.delete(key);
    }
  }

  private async get(key: string, open: () => Promise<Session>): Promise<Session> {
    if (this.closing) throw new Error("this run's database connections are already closed");
    const cached = await this.sessions.get(key)?.catch(() => undefined);
    if (cached?.alive) return cached;
    if (cached) void cached.close(); // broken: replace it
    const opening = open();
    this.sessions.set(key, opening);
    opening.catch(() => { if (this.sessions.get(key) === opening) this.sessions.delete(key); });
    return opening;
  }

  /** Idempotent; safe on abort and crash paths: cancels running statements, never throws. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closer.abort(new Error('connections closed'));
      const all = [...this.sessions.values()];
      this.sessions.clear();
      await Promise.all(all.map((p) => p.then((s) => s.close(), () => undefined)));
    })();
    return this.closing;
  }
}
