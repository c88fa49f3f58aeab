// How long a driver acts on the store's last word that it still holds the run, without asking again. Each
// confirmation (a heartbeat, an upload: both refused once the run was taken over) holds for ACT_WINDOW_MS from
// the moment its request was SENT, by this process's monotonic clock; the store set heard_at after it arrived.
// A resume or takeover waits until LEASE_MS after heard_at by the store's clock (migrations.ts, V3) before its
// first action, lock held or not: so the old driver's last action on that word starts before the new driver's
// first, with LEASE_MS − ACT_WINDOW_MS to spare for the time between the check and the action starting.
import { LEASE_MS } from './claim.js';

export const ACT_WINDOW_MS = LEASE_MS / 2;

export class HolderLease {
  private until = 0;

  /** The store confirmed this driver holds the run, for a request sent at `sentAt` (performance.now()). */
  confirmed(sentAt: number): void {
    this.until = Math.max(this.until, sentAt + ACT_WINDOW_MS);
  }

  /** The connection went away (a partition, the store restarted): ask the store again before acting. */
  drop(): void {
    this.until = 0;
  }

  fresh(now = performance.now()): boolean {
    return now < this.until;
  }
}
