// Cancels a running statement on the server through a second connection (pg's CancelRequest /
// KILL QUERY). Abandoning the query client-side would leave it running on the server, holding
// locks and a connection slot, long after the step "timed out". A server that does not answer at all
// (frozen, SIGSTOPped, a dead network path) gets CANCEL_GRACE_MS, then the connection is dropped: the
// server rolls the transaction back when it notices, and the run is not held hostage.
import { settlesWithin, sleep } from './abort.js';

export interface CancelLink {
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the way to cancel; `signal` aborts when the canceller gives up, so nothing it opened lingers. */
export type CancelOpener = (signal: AbortSignal) => Promise<CancelLink>;

/** Between cancel attempts: a cancel that lands between two statements hits nothing. */
const RETRY_MS = 200;
/** Give up on cancelling after this; the owner then drops the connection. Ctrl-C must end a run within
 *  2 s even when the server is frozen, and this is most of that. */
export const CANCEL_GRACE_MS = 1000;

export class Canceller {
  private running: Promise<void> | undefined;

  constructor(
    private readonly open: CancelOpener, private readonly onGiveUp: () => void = () => undefined,
    private readonly graceMs = CANCEL_GRACE_MS,
  ) {}

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

  /** Keeps cancelling until `work` settles (or the grace passes, and onGiveUp is called). */
  cancelUntilSettled(work: Promise<unknown>): Promise<void> {
    this.running ??= this.loop(work).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async loop(work: Promise<unknown>): Promise<void> {
    let settled = false;
    const watched = work.then(() => { settled = true; }, () => { settled = true; });
    const deadline = Date.now() + this.graceMs;
    const giveUp = new AbortController();
    // Every wait below is bounded by the deadline: a frozen server answers neither a login nor a cancel.
    // One timer for all of them, cleared at the end: a timer per wait outlived the loop by up to the whole
    // grace and kept the process alive after a prompt cancel.
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), this.graceMs); });
    const bounded = <T>(p: Promise<T>): Promise<T | undefined> => Promise.race([p, watched.then(() => undefined), expired]);
    const opening = this.open(giveUp.signal);
    opening.catch(() => undefined);
    try {
      const link = await bounded(opening);
      while (link && !settled && Date.now() < deadline) {
        await bounded(link.cancel().catch(() => undefined));
        if (!settled) await bounded(sleep(RETRY_MS));
      }
    } catch {
      // No way to reach the server: fall through and drop the connection instead.
    } finally {
      clearTimeout(timer);
      giveUp.abort(new Error('cancel given up'));
      void opening.then((link) => link.close()).catch(() => undefined);
    }
    if (!(await settlesWithin(watched, settled ? 0 : 100))) this.onGiveUp();
  }
}
