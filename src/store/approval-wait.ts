// Waiting at a four-eyes gate for a teammate's decision in the store: LISTEN for "<run id> <step id>", and
// look again every second in case a notification was missed (a reconnect). The store being unreachable is
// said (once per outage) and retried; it is never taken for an answer.
import { connectStore, storeErrorText, type StoreClient } from './client.js';

export interface Decision { approver: string; decision: 'approved' | 'denied'; reason: string | null; decided_at: Date }

export interface WaitOptions {
  url: string;
  runId: string;
  stepId: string;
  signal: AbortSignal;
  /** The store could not be asked (each outage once); `why` in one line. */
  onUnreachable(why: string): void;
  onReachable?(): void;
  pollMs?: number;
}

const DECISION_SQL = `SELECT approver, decision, reason, decided_at FROM runbook.approvals
  WHERE run_id = $1 AND step_id = $2 ORDER BY decided_at, approver LIMIT 1`;

/** The first decision on this step of this run (given before or during this wait), or undefined if stopped. */
export async function waitForDecision(o: WaitOptions): Promise<Decision | undefined> {
  let retryMs = 250;
  let down = false;
  while (!o.signal.aborted) {
    let client: StoreClient | undefined;
    try {
      client = await connectStore(o.url, { applicationName: 'runbook gate' });
      await client.query('LISTEN runbook_approvals');
      if (down) o.onReachable?.();
      down = false;
      retryMs = 250;
      const found = await watch(client, o);
      if (found || o.signal.aborted) return found;
    } catch (e) {
      if (!down) o.onUnreachable(storeErrorText(e));
      down = true;
      await pause(retryMs, o.signal);
      retryMs = Math.min(retryMs * 2, 2000);
    } finally {
      await client?.end();
    }
  }
  return undefined;
}

async function watch(client: StoreClient, o: WaitOptions): Promise<Decision | undefined> {
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  client.raw.on('notification', (n) => { if (n.payload === `${o.runId} ${o.stepId}`) wake?.(); });
  client.raw.on('error', (e) => { failed = e; wake?.(); });
  client.raw.on('end', () => { failed ??= new Error('the store closed the connection'); wake?.(); });
  const onAbort = () => wake?.();
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!o.signal.aborted) {
      if (failed) throw failed;
      const rows = await client.query<Decision>(DECISION_SQL, [o.runId, o.stepId]);
      if (rows[0]) return rows[0];
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.pollMs ?? 1000);
        wake = () => { clearTimeout(t); resolve(); };
      });
      wake = undefined;
    }
    return undefined;
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}

const pause = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});
