// A driver cut off from its team store (a proxy the test controls resets and refuses its connections) keeps
// running reads at its own pace, but its destructive step waits until the store confirms it still holds the
// run: taken over meanwhile, it stops without acting once the store answers; not taken over, it acts then,
// once; with --break-glass it acts without the store, saying so. docs/team.md, src/store/act-check.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { fileLines, machineEnv, scratch, startCli, startStoreLabWithProxy, type ProxiedStoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each wait takes well under a second idle
const FIXTURE = fileURLToPath(new URL('fixtures/partition.yaml', import.meta.url));
const WAITS = /a destructive step waits: the store cannot confirm that this driver still holds the run/;

describe('a driver partitioned from its store', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  before(async () => { lab = await startStoreLabWithProxy(); });
  after(async () => { await lab?.stop(); });

  const steps = (dir: string) => (existsSync(join(dir, 'steps')) ? readFileSync(join(dir, 'steps'), 'utf8').trim().split('\n') : []);
  const stored = async (runId: string) => {
    const c = await lab.as('carol');
    try { return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM runbook.runs WHERE run_id = $1', [runId]))[0]!.n; } finally { await c.end(); }
  };

  /** alice drives the fixture through the proxy to its hold step, with the run in the store; then the proxy cuts
   *  her off, hold is let go, and her driver reaches the destructive step. */
  async function partitionedAtAct(t: TestContext, extra: string[] = []) {
    await lab.proxy.set('forward');
    const dir = scratch(t);
    const file = join(dir, 't.jsonl');
    const driver = startCli(['run', FIXTURE, '--plain', '--approve', 'act', '-i', `dir=${dir}`, '--transcript', file, ...extra],
      { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) });
    t.after(() => { driver.child.kill('SIGKILL'); });
    await until(() => steps(dir).includes('hold'), GUARD, 'the hold step to start');
    const runId = (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId;
    await until(async () => (await stored(runId)) === 1, GUARD, 'the run in the store');
    await lab.proxy.set('refuse');
    writeFileSync(join(dir, 'go-hold'), '');
    return { dir, file, driver, runId };
  }

  it('taken over while cut off: the old driver never acts, and stops once the store answers', async (t) => {
    const { dir, file, driver, runId } = await partitionedAtAct(t);
    await until(() => WAITS.test(driver.err()), GUARD, 'the old driver to wait at its destructive step');
    assert.ok(!steps(dir).includes('act'), 'the old driver did not act while it could not reach the store');

    const second = scratch(t); // another machine, straight to the store
    const taker = startCli(['resume', runId, '--plain', '--takeover', '--approve', 'act'], { ...machineEnv(second), RUNBOOK_STORE: lab.url('alice') }, second);
    assert.equal(await taker.exit, 0, taker.err());
    assert.deepEqual(steps(dir).filter((s) => s === 'act'), ['act'], 'the new driver acted once');

    await lab.proxy.set('forward');
    assert.equal(await driver.exit, 75, driver.err());
    assert.match(driver.err(), /taken over/);
    assert.deepEqual(steps(dir).filter((s) => s === 'act'), ['act'], 'the old driver never acted');
    assert.ok(!fileLines(file).some((l) => l.includes('"type":"step-finished"') && l.includes('"stepId":"act"') && l.includes('"status":"ok"')),
      'nor recorded acting');
  });

  it('not taken over: the destructive step acts once the store answers again, once', async (t) => {
    const { dir, driver } = await partitionedAtAct(t);
    await until(() => WAITS.test(driver.err()), GUARD, 'the driver to wait at its destructive step');
    assert.ok(!steps(dir).includes('act'));
    await lab.proxy.set('forward');
    assert.equal(await driver.exit, 0, driver.err());
    assert.match(driver.err(), /the store confirmed this driver still holds the run; the destructive step acts/);
    assert.deepEqual(steps(dir), ['one', 'hold', 'act']);
  });

  it('--break-glass: the destructive step acts without the store, and says so', async (t) => {
    const { dir, driver } = await partitionedAtAct(t, ['--break-glass', 'INC-7 store down, DBA on the bridge']);
    assert.equal(await driver.exit, 0, driver.err());
    assert.match(driver.err(), /BREAK GLASS: the destructive step acts anyway: INC-7 store down, DBA on the bridge/);
    assert.deepEqual(steps(dir), ['one', 'hold', 'act']);
  });
});
