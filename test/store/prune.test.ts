// `runbook store prune` (issue #51): whole runs that ended before the cut-off leave the store, recorded in
// runbook.pruned first; a run that did not end stays however old; the runs that remain keep their chains (follow
// checks them as before); a pruned run is never stored again (a late `store push`); the tables stay append-only
// to everyone for anything else; and only the owner, or a role it grants, may prune. Real runs of the CLI on a
// real store.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { cli } from '../helpers/cli.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { chainHash, GENESIS } from '../../src/store/chain.js';
import { FIXTURE, driveToHold, machineEnv, pushWhole, rejection, scratch, startStoreLab, type Person, type StoreLab } from './helpers.js';

describe('store prune', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  const as = (who: Person, home: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url(who) });

  /** A whole run of the team fixture through the CLI, its transcript kept; its run id. */
  function finishedRun(t: TestContext): { runId: string; file: string; dir: string } {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    for (const go of ['go-hold', 'go-three']) writeFileSync(join(dir, go), '');
    const ran = cli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { env: as('alice', dir) });
    assert.equal(ran.code, 0, ran.stderr);
    pushWhole(file, as('alice', dir));
    return { runId: (JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { runId: string }).runId, file, dir };
  }

  async function age(runId: string, days: number): Promise<void> {
    const owner = await lab.as('rb_owner');
    try { await owner.query(`UPDATE runbook.runs SET heard_at = now() - make_interval(days => $2) WHERE run_id = $1`, [runId, days]); } finally { await owner.end(); }
  }

  it('prunes ended runs past the age, keeps the rest, and records each', async (t) => {
    const old = finishedRun(t);
    const recent = finishedRun(t);
    await age(old.runId, 100);
    // A run that never ended, as old: kept. Its driver died at a step (a live one would say it is alive, which
    // moves heard_at on, between the aging and the prune).
    const held = await driveToHold(t, lab, (home) => as('alice', home));
    held.driver.child.kill('SIGKILL');
    await held.driver.exit;
    await age(held.runId, 100);
    const home = scratch(t);

    const dry = cli(['store', 'prune', '--older-than', '90d', '--dry-run'], { env: as('rb_owner', home) });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^would prune 1 run and \d+ events that ended before \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(dry.stdout, /kept 1 older run that did not end \(running or interrupted\)/);

    // Not the owner: refused, with the grant that would allow it.
    const alice = cli(['store', 'prune', '--older-than', '90d'], { env: as('alice', home) });
    assert.equal(alice.code, 2, alice.stdout);
    assert.match(alice.stderr, /alice may not prune the store: .*GRANT EXECUTE ON FUNCTION runbook\.prune_runs\(interval, int\) TO alice/);

    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const storedLines = (await owner.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [old.runId])).map((r) => r.line);
    assert.ok(storedLines.length > 3);
    const head = storedLines.reduce((prev, line) => chainHash(prev, line), GENESIS);

    const pruned = cli(['store', 'prune', '--older-than', '90d', '--json'], { env: as('rb_owner', home) });
    assert.equal(pruned.code, 0, pruned.stderr);
    const summary = JSON.parse(pruned.stdout) as { runs: number; events: number; kept: number; role: string };
    assert.deepEqual([summary.runs, summary.events, summary.kept, summary.role], [1, storedLines.length, 1, 'rb_owner']);

    const count = async (table: string, id: string) => (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM runbook.${table} WHERE run_id = $1`, [id]))[0]!.n;
    assert.deepEqual([await count('runs', old.runId), await count('events', old.runId)], [0, 0]);
    assert.deepEqual([await count('runs', recent.runId), await count('runs', held.runId)], [1, 1]);
    const [record] = await owner.query<{ events: number; last_hash: string; pruned_by: string; state: string }>(
      'SELECT events, last_hash, pruned_by, state FROM runbook.pruned WHERE run_id = $1', [old.runId]);
    assert.deepEqual(record, { events: storedLines.length, last_hash: head, pruned_by: 'rb_owner', state: 'resolved' });

    // The runs that remain keep their chains: follow reads the recent one to its end, checking every hash.
    const followed = cli(['follow', recent.runId], { env: as('carol', home) });
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /Every step ran/);
    // The pruned one is named as pruned, by a prefix too, not as unknown.
    const gone = cli(['follow', old.runId.slice(0, 8)], { env: as('carol', home) });
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, new RegExp(`run ${old.runId} \\(team\\) was pruned from the store on .* UTC by rb_owner, with its ${storedLines.length} events`));

    // A late push of its transcript does not bring it back.
    const pushed = cli(['store', 'push', old.file], { env: as('alice', old.dir) });
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.stderr, /was pruned from the store/);
    assert.equal(await count('runs', old.runId), 0);

    // Append-only for everything else, the owner included: a remaining run's events, the record of what was pruned.
    assert.equal((await rejection(owner.query('DELETE FROM runbook.events WHERE run_id = $1', [recent.runId]))).code, 'RB001');
    assert.equal((await rejection(owner.query('DELETE FROM runbook.pruned WHERE run_id = $1', [old.runId]))).code, 'RB001');
    assert.equal((await rejection(owner.query('TRUNCATE runbook.events CASCADE'))).code, 'RB001');

    // Pruned again: the unfinished run is still kept, however old.
    const again = cli(['store', 'prune', '--older-than', '90d'], { env: as('rb_owner', home) });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^pruned 0 runs and 0 events/);
    assert.match(again.stdout, /kept 1 older run that did not end/);
    assert.equal(await count('runs', held.runId), 1);
  });

  it('refuses an age it cannot read, in one line', () => {
    const bad = cli(['store', 'prune', '--older-than', '90 days'], { env: { RUNBOOK_STORE: lab.url('rb_owner') } });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /--older-than 90 days: give an age such as 90d, 12h, 2w or 30m/);
  });
});
