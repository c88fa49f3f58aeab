// A driver acts on the store's last confirmation for a while without asking again (src/store/lease.ts); that is
// safe only because a resume or takeover waits the lease out, by the store's clock from the old driver's last
// confirmation, before its own first action. On a real PostgreSQL: the wait is there whether or not the old
// driver's lock is still held (its connection may have dropped while it lives on), and a live driver, asking
// before each action as the executors do, never acts once the new driver may: its last "go on" comes before the
// new driver's first action, and it is refused soon after.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { claimRun, type RunHead } from '../../src/store/claim.js';
import { Uploader } from '../../src/store/uploader.js';
import { startStoreLab, type StoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard
/** A lease longer than any pause a loaded machine makes between the test's two queries. */
const LONG_LEASE_MS = 60_000;

const head = (): RunHead => ({ runId: randomUUID(), runbook: 'lease', sha256: '0'.repeat(64) });
const claimSql = 'SELECT epoch, wait_ms FROM runbook.claim_run($1, $2, $3, $4, $5, $6, $7)';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a takeover waits out the lease of the driver before', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  for (const mode of ['resume', 'takeover'] as const) {
    it(`${mode} after the old driver's connection dropped (its lock released): waits from its last confirmation`, async (t) => {
      const h = head();
      const old = await lab.as('alice');
      const { epoch } = await claimRun(old, h, 'start');
      const sent = performance.now();
      await old.query('SELECT runbook.heartbeat($1, $2)', [h.runId, epoch]);
      await old.end(); // the lock goes with the session; the driver may live on, acting on that heartbeat
      const next = await lab.as('alice');
      t.after(() => next.end());
      const [row] = await next.query<{ epoch: number; wait_ms: number }>(claimSql, [h.runId, h.runbook, h.sha256, 'second', mode, null, LONG_LEASE_MS]);
      const answered = performance.now();
      assert.equal(row?.epoch, 2);
      // The new driver's first action (answer + wait) comes no earlier than the lease's end from the heartbeat sent.
      assert.ok(answered + row!.wait_ms >= sent + LONG_LEASE_MS - 1, `wait ${row!.wait_ms} ms after ${(answered - sent).toFixed(0)} ms: the lease is not waited out`);
    });
  }

  it('a driver asking before each action stops acting before the new driver may act, and is refused', async () => {
    const h = head();
    const old = new Uploader({ url: lab.url('alice') });
    old.line(0, JSON.stringify({ type: 'header', seq: 0, ts: new Date().toISOString(), format: 1, runId: h.runId, runbook: { name: h.runbook, sha256: h.sha256 } }));
    old.synced(0);
    const next = await lab.as('alice');
    try {
      await until(() => old.status().state === 'up' && old.status().pending === 0, GUARD, 'the old driver in the store');
      let lastGo = 0;
      let refused: string | undefined;
      let taken: Promise<number> | undefined;
      const signal = new AbortController().signal;
      const started = performance.now();
      while (!refused) {
        // As the executors ask before each shell, SQL or probe action of a step not proven to only read.
        refused = await old.mayAct({ provenRead: false, signal });
        if (!refused) lastGo = performance.now();
        // A little after the driver began, another process takes the run over; its first action may come after its wait.
        if (!taken && performance.now() - started > 50) {
          taken = claimRun(next, h, 'takeover').then((c) => { assert.equal(c.epoch, 2); return performance.now() + c.waitMs; });
        }
        if (performance.now() - started > GUARD) throw new Error('the old driver was never refused');
        await pause(2); // steps of a few ms each
      }
      const newFirstAct = await taken!;
      assert.match(refused, /taken over/);
      assert.ok(lastGo < newFirstAct, `the old driver went on ${(lastGo - newFirstAct).toFixed(1)} ms after the new driver may act`);
    } finally {
      await next.end();
      await old.drain(1000);
    }
  });
});
