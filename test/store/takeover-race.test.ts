// Twenty takeovers at once (issue #47): alice's driver is frozen (SIGSTOP: alive, its lock held) at the hold
// step; twenty resumes with --takeover start together from twenty machines (homes and directories). The store orders them (each claim
// moves the epoch on, and a run it has as ended is not claimed again): exactly one driver finishes the run, every other exits on its own within 2 s of the last
// takeover, none waits forever. The frozen driver, continued, stops without acting.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { driveToHold, FIXTURE, fileLines, fixtureSteps, machineEnv, scratch, startCli, startStoreLab, type StoreLab } from './helpers.js';

const GUARD = 120_000;
const TAKERS = 20;

describe('simultaneous takeovers', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });


  it(`${TAKERS} at once: one driver finishes, every other exits on its own within 2 s, none waits forever`, async (t) => {
    const env = (home: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url('alice') });
    const { dir, file, runId, driver } = await driveToHold(t, lab, env);
    const c = await lab.as('carol');
    t.after(() => c.end());
    driver.child.kill('SIGSTOP');
    writeFileSync(join(dir, 'go-hold'), '');
    writeFileSync(join(dir, 'go-three'), '');

    // Twenty machines: each its own home and working directory (the run's fetched copy lives there), so only the
    // store orders them; --retarget lets a run continue from another directory (its steps name absolute paths).
    const takers = Array.from({ length: TAKERS }, () => { const home = scratch(t); return startCli(['resume', runId, '--plain', '--takeover', '--retarget', '--approve', 'hold'], env(home), home); });
    t.after(() => { for (const k of takers) k.child.kill('SIGKILL'); });
    const exitedAt: number[] = [];
    const codes = await Promise.all(takers.map((k, i) => k.exit.then((code) => { exitedAt[i] = Date.now(); return code; })));
    const won = codes.map((code, i) => ({ code, i })).filter((r) => r.code === 0);
    assert.equal(won.length, 1, `exit codes: ${codes.join(' ')}\n${takers.map((k) => k.err()).join('\n---\n').slice(-4000)}`);
    for (const [i, k] of takers.entries()) {
      if (i === won[0]!.i) continue;
      // A taker that reached the store only after the winner finished (a loaded machine: its login took over a
      // second) fetches a copy that ends resolved, and is refused by that copy before it claims anything.
      assert.match(k.err(), /taken over|being driven by|already ended \(resolved\) in the store|this run already finished \(resolved at/, `taker ${i} (exit ${codes[i]}) says why it stopped:\n${k.err()}`);
    }
    // 'three' is vouched for (not destructive): a taker whose copy of the run was fetched before an earlier taker's
    // lines about it reached the store runs it again (docs/team.md, "Resume from the store resumes what reached it").
    assert.ok(fixtureSteps(dir).includes('three'), fixtureSteps(dir).join(' '));
    // Each one taken over stops within 2 s of the last takeover (none waits for a store that will not confirm it).
    const last = (await c.query<{ at: Date }>('SELECT max(at) AS at FROM runbook.takeovers WHERE run_id = $1', [runId]))[0]!.at.getTime();
    const late = exitedAt.map((at, i) => ({ i, after: at - last })).filter((r) => r.i !== won[0]!.i && r.after > 2000);
    assert.deepEqual(late, [], `takers that stopped more than 2 s after the last takeover:\n${late.map((r) => `taker ${r.i} (exit ${codes[r.i]}):\n${takers[r.i]!.err()}`).join('\n---\n')}`);
    const run = (await c.query<{ state: string; driver_epoch: number }>('SELECT state, driver_epoch FROM runbook.runs WHERE run_id = $1', [runId]))[0]!;
    assert.equal(run.state, 'resolved');

    const before = fixtureSteps(dir).length;
    driver.child.kill('SIGCONT');
    assert.equal(await driver.exit, 75, driver.err());
    assert.equal(fixtureSteps(dir).length, before, 'the frozen driver, continued, ran nothing');
  });
});
