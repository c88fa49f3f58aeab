// A takeover from a copy of the run that the store has moved past (issue #47, the race behind "two simultaneous
// takeovers hang one driver"), made deterministic: the copy is fetched, the run goes on in the store, and only then
// does the takeover start from that copy. Once its claim is held nobody else can write, so it brings the copy up
// to the store's and continues from there: the step the stale copy had in flight (and the store has as finished)
// does not run again, the run ends resolved in one chain, and the driver before, continued, acts on nothing.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fetchedPath } from '../../src/resume/lease.js';
import { driveToHold, fileLines, fixtureSteps, machineEnv, scratch, startCli, startStoreLab, type StoreLab } from './helpers.js';

const GUARD = 120_000;

describe('a takeover from a copy the store has moved past', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  it('continues from the store\'s copy: the step the stale copy has in flight is not run again', async (t) => {
    const env = (home: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url('alice') });
    const { dir, file, runId, driver } = await driveToHold(t, lab, env);
    // Another machine's copy, taken now: the run as the store has it, up to `hold` started.
    const other = scratch(t);
    const stale = fetchedPath(runId, other);
    mkdirSync(dirname(stale), { recursive: true });
    copyFileSync(file, stale);
    const staleLines = fileLines(stale).length;

    // The run goes on past that copy: `hold` finishes and `three` starts, in the store; then its driver freezes
    // (alive, its claim held), so only a takeover can continue it.
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    writeFileSync(join(dir, 'go-hold'), '');
    await until(async () => (await owner.query(`SELECT 1 FROM runbook.events WHERE run_id = $1 AND event->>'type' = 'step-started'
      AND event->>'stepId' = 'three'`, [runId])).length > 0, GUARD, '`three` started, in the store');
    driver.child.kill('SIGSTOP');
    const storeLines = (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM runbook.events WHERE run_id = $1', [runId]))[0]!.n;
    assert.ok(storeLines > staleLines, `the store (${storeLines} lines) is ahead of the copy (${staleLines})`);
    writeFileSync(join(dir, 'go-three'), '');

    const taker = startCli(['resume', stale, '--plain', '--takeover', '--retarget', '--approve', 'three'], env(other), other);
    t.after(() => taker.child.kill('SIGKILL'));
    assert.equal(await taker.exit, 0, `${taker.out()}\n${taker.err()}`);
    assert.match(taker.err() + taker.out(), /moved on while this resume got ready: continuing from it/);
    // `hold` ran once: the stale copy had it in flight, the store had it finished (the taker's --approve hold
    // is not asked for). `three` was in flight in the store, and is vouched for (not proven to only read): the
    // taker is asked before it runs again (docs/team.md), and approves it.
    assert.deepEqual(fixtureSteps(dir), ['one', 'two', 'hold', 'three', 'three']);
    const run = (await owner.query<{ state: string }>('SELECT state FROM runbook.runs WHERE run_id = $1', [runId]))[0]!;
    assert.equal(run.state, 'resolved');
    // The store took every line of the taker's (its chain checks on insert), and the copy is the store's, line for line.
    const stored = await owner.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId]);
    assert.deepEqual(fileLines(stale), stored.map((r) => r.line));

    const steps = fixtureSteps(dir).length;
    driver.child.kill('SIGCONT');
    assert.equal(await driver.exit, 75, driver.err());
    assert.equal(fixtureSteps(dir).length, steps, 'the frozen driver, continued, ran nothing');
  });
});
