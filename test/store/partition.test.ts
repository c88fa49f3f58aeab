// A driver cut off from its team store (a proxy the test controls resets and refuses its connections) keeps
// running proven reads at its own pace, but a step not proven to only read (destructive, or vouched for with
// safe_because) waits until the store confirms it still holds the run: taken over meanwhile, it stops without
// acting once the store answers; not taken over, it acts then, once; with --break-glass it acts without the
// store, saying so. docs/team.md, src/store/act-check.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { driveToHold, fileLines, fixtureSteps, machineEnv, scratch, startCli, startStoreLabWithProxy, type ProxiedStoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle
const FIXTURE = fileURLToPath(new URL('fixtures/partition.yaml', import.meta.url));
const WAITS = /a step that may change the target \(destructive, or vouched for, not proven to only read\) waits: the store cannot confirm that this driver still holds the run/;

describe('a driver partitioned from its store', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  before(async () => { lab = await startStoreLabWithProxy(); });
  after(async () => { await lab?.stop(); });

  const steps = fixtureSteps;
  /** alice drives the fixture through the proxy to its hold step, with the run in the store; then the proxy cuts
   *  her off, hold is let go, and her driver reads (look) and reaches the steps that may change the target. */
  async function partitionedAtAct(t: TestContext, extra: string[] = []) {
    await lab.proxy.set('forward');
    const { dir, file, driver, runId } = await driveToHold(t, lab, (home) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) }), ['--approve', 'act', ...extra], FIXTURE);
    await lab.proxy.set('refuse');
    writeFileSync(join(dir, 'go-hold'), '');
    return { dir, file, driver, runId };
  }

  const finishedOk = (file: string, step: string) => fileLines(file).some((l) => l.includes('"type":"step-finished"') && l.includes(`"stepId":"${step}"`) && l.includes('"status":"ok"'));
  const count = (dir: string, step: string) => steps(dir).filter((s) => s === step).length;

  it('taken over while cut off: the old driver reads on, never acts, and stops once the store answers', async (t) => {
    const { dir, file, driver, runId } = await partitionedAtAct(t);
    await until(() => WAITS.test(driver.err()), GUARD, 'the old driver to wait at its first step not proven to only read');
    assert.ok(finishedOk(file, 'look'), 'the proven read ran while the store could not be reached (local first)');
    assert.deepEqual([count(dir, 'vouched'), count(dir, 'act')], [0, 0], 'neither the vouched-for step nor the destructive one ran while cut off');

    const second = scratch(t); // another machine (its own home), straight to the store, in the run's directory
    const taker = startCli(['resume', runId, '--plain', '--takeover', '--retarget', '--approve', 'hold', '--approve', 'act'], { ...machineEnv(second), RUNBOOK_STORE: lab.url('alice') }, dir);
    assert.equal(await taker.exit, 0, taker.err());
    assert.deepEqual([count(dir, 'vouched'), count(dir, 'act')], [1, 1], 'the new driver ran each once');

    await lab.proxy.set('forward');
    assert.equal(await driver.exit, 75, driver.err());
    assert.match(driver.err(), /taken over/);
    assert.deepEqual([count(dir, 'vouched'), count(dir, 'act')], [1, 1], 'the old driver ran neither');
    assert.ok(!finishedOk(file, 'vouched') && !finishedOk(file, 'act'), 'nor recorded running them');
  });

  it('not taken over: the steps act once the store answers again, once', async (t) => {
    const { dir, file, driver } = await partitionedAtAct(t);
    await until(() => WAITS.test(driver.err()), GUARD, 'the driver to wait at its first step not proven to only read');
    assert.ok(finishedOk(file, 'look'));
    assert.deepEqual([count(dir, 'vouched'), count(dir, 'act')], [0, 0]);
    await lab.proxy.set('forward');
    assert.equal(await driver.exit, 0, driver.err());
    assert.match(driver.err(), /the store confirmed this driver still holds the run; the step acts/);
    assert.deepEqual(steps(dir), ['one', 'hold', 'vouched', 'act']);
  });

  it('--break-glass: the steps act without the store, and say so', async (t) => {
    const { dir, driver } = await partitionedAtAct(t, ['--break-glass', 'INC-7 store down, DBA on the bridge']);
    assert.equal(await driver.exit, 0, driver.err());
    assert.equal(driver.err().match(/BREAK GLASS: the step acts anyway: INC-7 store down, DBA on the bridge/g)?.length, 2, 'once for vouched, once for act');
    assert.deepEqual(steps(dir), ['one', 'hold', 'vouched', 'act']);
  });
});
