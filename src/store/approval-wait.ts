// Waiting at a four-eyes gate for a teammate's decision in the store: LISTEN for "<run id> <step id>", and
// look again every second in case a notification was missed (a reconnect). The store being unreachable is
// said (once per outage) and retried; it is never taken for an answer.
import { connectStore, FOREGROUND_CONNECT_MS, storeErrorText, type StoreClient } from './client.js';

export interface Decision { approver: string; decision: 'approved' | 'denied'; reason: string | null; decided_at: Date; gate: string }

export interface WaitOptions {
  url: string;
  runId: string;
  stepId: string;
  signal: AbortSignal;
  /** The store could not be asked (each outage once); `why` in one line. */
  onUnreachable(why: string): void;
  /** Connected (again). */
  onReachable?(): void;
  /** Who may approve, in words, once the run is in the store (asked again at each look until it is). */
  onWho?(mayApprove: string): void;
  /** The gate visit waited at (the confirmation-requested line's `gate`): only a decision naming it answers. */
  gate: string;
  pollMs?: number;
}

// A decision is for one gate visit: a step the run comes back to (a loop) or a resume re-asks is another visit
// with another nonce, and a decision made on an earlier one (even one the driver never saw: a cut link) is not
// an answer to it.
const DECISION_SQL = `SELECT approver, decision, reason, decided_at, gate FROM runbook.approvals
  WHERE run_id = $1 AND step_id = $2 AND gate = $3 ORDER BY decided_at, approver LIMIT 1`;

/** The decision on this gate visit of this run (given before or during this wait), or undefined if stopped. */
export async function waitForDecision(o: WaitOptions): Promise<Decision | undefined> {
  let retryMs = 250;
  let down = false;
  while (!o.signal.aborted) {
    let client: StoreClient | undefined;
    try {
      client = await connectStore(o.url, { applicationName: 'runbook gate', connectMs: FOREGROUND_CONNECT_MS });
      await client.query('LISTEN runbook_approvals');
      o.onReachable?.();
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

const WHO_SQL = `SELECT r.operator, r.driver, to_regrole('runbook_approvers') IS NOT NULL AS limited,
    ARRAY(SELECT m.rolname::text FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member
      WHERE a.roleid = to_regrole('runbook_approvers') AND m.rolname NOT IN (r.operator, r.driver) ORDER BY 1) AS members
  FROM runbook.runs r WHERE r.run_id = $1`;

/** Who the database will let decide (check_approval in migrations.ts), in words: the direct members of
 *  runbook_approvers when that role exists, else any store role but the run's operator and driver. */
export async function mayApprove(client: StoreClient, runId: string): Promise<string | undefined> {
  const r = (await client.query<{ operator: string; driver: string; limited: boolean; members: string[] }>(WHO_SQL, [runId]))[0];
  if (!r) return undefined;
  const not = [...new Set([r.operator, r.driver])].join(' or ');
  if (!r.limited) return `anyone with a store role but ${not}`;
  return r.members.length ? `${r.members.join(', ')} (runbook_approvers)` : `nobody yet: runbook_approvers has no member but ${not}`;
}

async function watch(client: StoreClient, o: WaitOptions): Promise<Decision | undefined> {
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  client.raw.on('notification', (n) => { if (n.payload === `${o.runId} ${o.stepId}`) wake?.(); });
  client.raw.on('error', (e) => { failed = e; wake?.(); });
  client.raw.on('end', () => { failed ??= new Error('the store closed the connection'); wake?.(); });
  const onAbort = () => wake?.();
  o.signal.addEventListener('abort', onAbort, { once: true });
  let who: string | undefined;
  try {
    while (!o.signal.aborted) {
      if (failed) throw failed;
      if (who === undefined && o.onWho && (who = await mayApprove(client, o.runId)) !== undefined) o.onWho(who);
      const rows = await client.query<Decision>(DECISION_SQL, [o.runId, o.stepId, o.gate]);
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
