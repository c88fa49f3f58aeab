// `runbook follow` sees every line of a teammate's run in order, drawn as replay draws the transcript, with its
// connection to the store cut in the middle (the lines missed meanwhile are caught up); `runbook runs` lists it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { FIXTURE, machineEnv, pushWhole, scratch, startCli, startStoreLabWithProxy, type ProxiedStoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle

describe('follow', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  before(async () => { lab = await startStoreLabWithProxy(); });
  after(async () => { await lab?.stop(); });

  it('every event in order, across a dropped connection', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const steps = () => (existsSync(join(dir, 'steps')) ? readFileSync(join(dir, 'steps'), 'utf8').split('\n') : []);
    const driver = startCli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') });
    await until(() => steps().includes('hold'), GUARD, 'the hold step to start');
    const carol = await lab.as('carol');
    t.after(() => carol.end());
    const runId = await until(async () => (await carol.query<{ run_id: string }>('SELECT run_id FROM runbook.runs'))[0]?.run_id, GUARD, 'the run in the store');

    const listed = cli(['runs'], { env: { ...machineEnv(dir), RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${runId.slice(0, 8)}\\s+team\\s+alice\\s+running\\s+hold`));

    const followerHome = scratch(t);
    const follower = startCli(['follow', runId.slice(0, 8)], { ...machineEnv(followerHome), RUNBOOK_STORE: lab.url('carol', lab.proxy.port) });
    await until(() => follower.out().includes('● hold'), GUARD, 'the follower to show the hold step');

    await lab.proxy.set('refuse');
    await until(() => /lost the store/.test(follower.err()), GUARD, 'the follower to notice the drop');
    writeFileSync(join(dir, 'go-hold'), '');
    await until(() => steps().includes('three'), GUARD, 'step three to start');
    await until(async () => (await carol.query(`SELECT 1 FROM runbook.events WHERE run_id = $1 AND event->>'type' = 'step-started' AND event->>'stepId' = 'three'`, [runId])).length > 0, GUARD, 'step three in the store');
    assert.ok(!follower.out().includes('● three'), 'the follower could not have seen it yet');

    await lab.proxy.set('forward');
    await until(() => follower.out().includes('● three'), GUARD, 'the follower to catch up');
    writeFileSync(join(dir, 'go-three'), '');
    assert.equal(await driver.exit, 0, driver.err());
    assert.equal(await follower.exit, 0, follower.err());
    assert.match(follower.err(), /reconnected to the store/);

    const replayed = cli(['replay', file, '--speed', '0'], { env: machineEnv(dir) });
    assert.equal(replayed.code, 0, replayed.stderr);
    // The same, header included: both name who started the run by their store role (the header records it), the
    // OS user as a detail.
    const [first, ...rest] = follower.out().split('\n');
    const [replayFirst, ...replayRest] = replayed.stdout.split('\n');
    assert.deepEqual(rest, replayRest, 'follow shows exactly what replay shows');
    assert.equal(first, replayFirst);
    assert.match(first!, / — alice \(store role; OS user \S+\) on \S+/);
  });

  it('a changed event in the store is detected, named, and stops the follower', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    for (const go of ['go-hold', 'go-three']) writeFileSync(join(dir, go), '');
    const env = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') };
    const ran = cli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { env });
    assert.equal(ran.code, 0, ran.stderr);
    pushWhole(file, env);
    const runId = (JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { runId: string }).runId;
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    // Only by switching the append-only trigger off, as the schema's owner, can a line be changed at all.
    await owner.query('ALTER TABLE runbook.events DISABLE TRIGGER append_only');
    await owner.query(`UPDATE runbook.events SET line = replace(line, 'echo one', 'echo 0ne') WHERE run_id = $1 AND seq = (SELECT min(seq) FROM runbook.events WHERE run_id = $1 AND line LIKE '%echo one%')`, [runId]);
    await owner.query('ALTER TABLE runbook.events ENABLE TRIGGER append_only');
    const changed = (await owner.query<{ seq: number }>(`SELECT seq FROM runbook.events WHERE run_id = $1 AND line LIKE '%echo 0ne%'`, [runId]))[0]!.seq;

    const followed = cli(['follow', runId], { env: { ...machineEnv(dir), RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(followed.code, 2, followed.stderr);
    assert.match(followed.stderr, new RegExp(`run ${runId} is broken: event ${changed} was changed`));
    assert.ok(!followed.stdout.includes('0ne'), 'the changed line is not shown');
  });
});
