// Cancels a running statement on the server through a second connection (pg_cancel_backend /
// KILL QUERY). Abandoning the query client-side would leave it running on the server, holding
// locks and a connection slot, long after the step "timed out".
import { settlesWithin, sleep } from './abort.js';

export interface CancelLink {
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/** Between cancel attempts: a cancel that lands between two statements hits nothing. */
const RETRY_MS = 200;
/** Give up on cancelling after this; the owner then drops the connection. */
const GIVE_UP_MS = 5000;

export class Canceller {
  private running: Promise<void> | undefined;

  constructor(private readonly open: () => Promise<CancelLink>, private readonly onGiveUp: () => void = () => undefined) {}

  /** Cancels `work` if `signal` aborts before it settles. The returned stop() awaits any cancel in progress. */
  cancelOnAbort(signal: AbortSignal, work: Promise<unknown>): () => Promise<void> {
    const onAbort = (): void => { void this.cancelUntilSettled(work); };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return async () => {
      signal.removeEventListener('abort', onAbort);
      await this.running;
    };
  }

  /** Keeps cancelling until `work` settles (or GIVE_UP_MS passes, and onGiveUp is called). */
  cancelUntilSettled(work: Promise<unknown>): Promise<void> {
    this.running ??= this.loop(work).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async loop(work: Promise<unknown>): Promise<void> {
    let settled = false;
    const watched = work.then(() => { settled = true; }, () => { settled = true; });
    const deadline = Date.now() + GIVE_UP_MS;
    let link: CancelLink | undefined;
    try {
      link = await this.open();
      while (!settled && Date.now() < deadline) {
        await link.cancel();
        await Promise.race([watched, sleep(RETRY_MS)]);
      }
    } catch {
      // No way to reach the server: fall through and drop the connection instead.
    } finally {
      await link?.close().catch(() => undefined);
    }
    if (!(await settlesWithin(watched, settled ? 0 : 100))) this.onGiveUp();
  }
}
