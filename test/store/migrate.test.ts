// The store's schema on a real PostgreSQL: migrations are idempotent, refuse a newer schema, and the
// database itself keeps events append-only and hash-chained.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { migrateStore, checkStoreVersion } from '../../src/store/migrate.js';
import { GENESIS, LATEST } from '../../src/store/migrations.js';
import { rejection, startStoreLab, type StoreLab } from './helpers.js';

const hash = (prev: string, line: string) => createHash('sha256').update(prev + line).digest('hex');

describe('store schema', () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab({ migrate: false }); });
  after(async () => { await lab?.stop(); });

  it('migrates once; a second migrate changes nothing', async () => {
    const owner = await lab.as('rb_owner');
    try {
      const first = await migrateStore(owner);
      assert.deepEqual([first.from, first.to, first.applied.length], [0, LATEST, LATEST]);
      const again = await migrateStore(owner);
      assert.deepEqual([again.from, again.to, again.applied], [LATEST, LATEST, []]);
      const rows = await owner.query('SELECT version FROM runbook.schema_version');
      assert.equal(rows.length, LATEST);
      await checkStoreVersion(owner);
    } finally { await owner.end(); }
  });

  it('refuses a store whose schema is newer than this runbook knows', async () => {
    const owner = await lab.as('rb_owner');
    try {
      await owner.query(`INSERT INTO runbook.schema_version (version, what) VALUES ($1, 'from the future')`, [LATEST + 1]);
      await assert.rejects(migrateStore(owner), /newer than this runbook knows/);
      await assert.rejects(checkStoreVersion(owner), /newer than this runbook knows/);
      // schema_version is the migrator's own table (not append-only): the test tidies up after itself.
      await owner.query('DELETE FROM runbook.schema_version WHERE version = $1', [LATEST + 1]);
    } finally { await owner.end(); }
  });

  it('events are append-only and chained, enforced by the database', async () => {
    const alice = await lab.as('alice');
    const owner = await lab.as('rb_owner');
    try {
      const epoch = (await alice.query<{ e: number }>(`SELECT runbook.begin_run('r1', 'demo', 'abc', 'laptop') AS e`))[0]!.e;
      const l0 = '{"type":"header","seq":0}';
      const l1 = '{"type":"run-started","seq":1}';
      const h0 = hash(GENESIS, l0);
      await alice.query('SELECT runbook.append_events($1, $2, $3, $4, $5, $6, $7)',
        ['r1', epoch, [0, 1], [new Date(), new Date()], [l0, l1], [GENESIS, h0], [h0, hash(h0, l1)]]);
      // No direct writes for anyone but the owner; and the owner is refused by the trigger.
      assert.match((await rejection(alice.query(`UPDATE runbook.events SET line = '{}' WHERE run_id = 'r1'`))).message, /permission denied/);
      assert.match((await rejection(alice.query(`DELETE FROM runbook.events WHERE run_id = 'r1'`))).message, /permission denied/);
      assert.match((await rejection(owner.query(`UPDATE runbook.events SET line = '{}' WHERE run_id = 'r1'`))).message, /append-only/);
      assert.match((await rejection(owner.query(`DELETE FROM runbook.events WHERE run_id = 'r1'`))).message, /append-only/);
      assert.match((await rejection(owner.query('TRUNCATE runbook.events CASCADE'))).message, /append-only/);
      // A line that does not chain to the last stored one is refused, and so is one whose hash lies.
      const l2 = '{"type":"note","seq":2}';
      const chained = await rejection(alice.query('SELECT runbook.append_events($1, $2, $3, $4, $5, $6, $7)',
        ['r1', epoch, [2], [new Date()], [l2], [h0], [hash(h0, l2)]]));
      assert.equal(chained.code, 'RB003');
      const wrongSeq = await rejection(alice.query('SELECT runbook.append_events($1, $2, $3, $4, $5, $6, $7)',
        ['r1', epoch, [1], [new Date()], [l2], [hash(h0, l1)], [hash(hash(h0, l1), l2)]]));
      assert.equal(wrongSeq.code, 'RB002');
      // Another person cannot write into alice's run.
      const bob = await lab.as('bob');
      try {
        assert.equal((await rejection(bob.query(`SELECT runbook.begin_run('r1', 'demo', 'abc', 'other')`))).code, 'RB008');
      } finally { await bob.end(); }
      const stored = await alice.query<{ seq: number; event: { type: string } }>(`SELECT seq, event FROM runbook.events WHERE run_id = 'r1' ORDER BY seq`);
      assert.deepEqual(stored.map((r) => [r.seq, r.event.type]), [[0, 'header'], [1, 'run-started']]);
    } finally { await alice.end(); await owner.end(); }
  });

  it('each batch keeps the run\'s state, step and waiting gate, from its own lines and the batches before', async () => {
    const alice = await lab.as('alice');
    try {
      const epoch = (await alice.query<{ e: number }>(`SELECT runbook.begin_run('r2', 'demo', 'abc', 'laptop') AS e`))[0]!.e;
      let seq = 0, last = GENESIS;
      /** One append_events call of lines of these types; then what runbook.runs says of the run. */
      const batch = async (...types: string[]) => {
        const first = seq;
        const lines = types.map((type) => JSON.stringify({ type, seq: seq++, stepId: `s${seq}`, outcome: 'resolved' }));
        let prev = last;
        const hashes = lines.map((l) => (prev = hash(prev, l)));
        await alice.query('SELECT runbook.append_events($1, $2, $3, $4, $5, $6, $7)',
          ['r2', epoch, lines.map((_, i) => first + i), lines.map(() => new Date()), lines, [last, ...hashes.slice(0, -1)], hashes]);
        last = prev;
        const [run] = await alice.query<{ state: string; current_step: string | null; waiting_gate: string | null }>(`SELECT state, current_step, waiting_gate FROM runbook.runs WHERE run_id = 'r2'`);
        return [run!.state, run!.current_step, run!.waiting_gate];
      };
      assert.deepEqual(await batch('header', 'run-started', 'step-started'), ['running', 's3', null]);
      assert.deepEqual(await batch('step-finished', 'confirmation-requested'), ['running', 's5', 's5'], 'at a gate');
      assert.deepEqual(await batch('note'), ['running', 's5', 's5'], 'a batch without a gate line keeps the gate');
      assert.deepEqual(await batch('confirmation-answered', 'step-started'), ['running', 's8', null], 'answered');
      assert.deepEqual(await batch('confirmation-requested', 'confirmation-answered', 'confirmation-requested'), ['running', 's11', 's11'], 'the last gate line of the batch counts');
      assert.deepEqual(await batch('run-finished'), ['resolved', 's11', null]);
    } finally { await alice.end(); }
  });
});
