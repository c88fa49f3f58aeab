// A four-eyes gate in a real terminal (tmux) against a real team store: the panel says the gate waits for
// another person, with the command that answers it and who may; y explains it cannot approve one's own step;
// (alone or in a chunk with Enter); the store cut (reset, refused) and back is shown in the panel and the header, never as lines written over
// the screen; bob's approval from another terminal runs the step. A decision names the gate visit it answers
// (issue #47): the driver, cut off from the store, skips gate 1; bob, still seeing gate 1 in the store, approves
// it; the run comes back to the step: gate 2 waits for a decision of its own, and runs on carol's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasTmux, Terminal } from '../ui/terminal.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { until } from '../helpers/poll.js';
import { fileLines, machineEnv, scratch, startCli, startStoreLabWithProxy, type ProxiedStoreLab } from './helpers.js';

const GUARD = 60_000; // a hang guard: each change reaches the screen well under a second idle

describe('a four-eyes gate in tmux', { skip: !hasTmux && 'tmux not installed', timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: ProxiedStoreLab;
  before(async () => { lab = await startStoreLabWithProxy(); });
  after(async () => { await lab?.stop(); });

  it('waits for another person, shows the store as it is, and runs the step on a teammate\'s approval', async (ctx) => {
    const home = scratch(ctx);
    const t = new Terminal('four-eyes.yaml', [], { transcript: true, rows: 40, cols: 140, env: { HOME: home, XDG_STATE_HOME: join(home, 'state'), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) } });
    try {
      const transcript = join(t.dir, 'incident.jsonl');
      // The run reaches the store in the background (a first connect may time out under load): who may approve
      // is known once it is there.
      const screen = await t.until(/may approve: anyone with a store role but alice\s*│\n│ store: reachable; waiting for a decision[\s\S]*y: not yours/, GUARD);
      const runId = (JSON.parse(fileLines(transcript)[0]!) as { runId: string }).runId;
      assert.match(screen, new RegExp(`waiting for approval by another person \\(runbook approve ${runId} terminate\\)`));
      assert.match(screen, /s +skip +a +abort the run +y: not yours/);

      t.keys('y');
      await t.until('you cannot approve your own step', GUARD);
      assert.ok(!existsSync(t.file), 'y ran nothing');
      // In chunks too (a laggy ssh, a key held down): one read of y's and Enters approves nothing. Were any of
      // them taken, the step would run before bob answers and the answer below would not be bob's four-eyes.
      t.keys('-l', 'yYy');
      t.keys('y', 'Enter', 'y', 'Enter', 'Y');

      await lab.proxy.set('refuse');
      await t.until(/store: unreachable \(.*\); retrying/, GUARD);
      await lab.proxy.set('forward');
      await t.until(/store: reachable; waiting for a decision/, GUARD);

      const bob = startCli(['approve', runId, 'terminate', '--yes'], { ...machineEnv(home), RUNBOOK_STORE: lab.url('bob') });
      assert.equal(await bob.exit, 0, bob.err());
      assert.equal(await t.exitCode(GUARD), 0);
      assert.ok(existsSync(t.file), 'the approved step ran');
      const answered = fileLines(transcript).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.type === 'confirmation-answered');
      assert.deepEqual([answered?.how, answered?.approver], ['four-eyes', 'bob']);
      // The driver's stderr lines (plain mode's) were never written over the live view.
      assert.doesNotMatch(t.history(), /four eyes: /, t.history());
      assert.ok(readFileSync(transcript, 'utf8').includes('"type":"run-finished"'));
    } finally {
      t.close();
    }
  });

  it('a decision on a visit the driver skipped while cut off does not answer the next visit of the step', async (ctx) => {
    const home = scratch(ctx);
    await lab.proxy.set('forward');
    const t = new Terminal('four-eyes-again.yaml', [], { transcript: true, rows: 40, cols: 140, env: { HOME: home, XDG_STATE_HOME: join(home, 'state'), RUNBOOK_STORE: lab.url('alice', lab.proxy.port) } });
    try {
      const transcript = join(t.dir, 'incident.jsonl');
      await t.until(/store: reachable; waiting for a decision/, GUARD);
      const runId = (JSON.parse(fileLines(transcript)[0]!) as { runId: string }).runId;
      const gates = () => fileLines(transcript).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'confirmation-requested');
      const visit1 = gates()[0]!.gate as string;
      assert.match(visit1, /^1-[0-9a-f]{12}$/);
      await until(async () => (await waitingVisit(runId)) === visit1, GUARD, 'gate 1 in the store');
      await lab.proxy.set('refuse');
      await t.until(/store: unreachable/, GUARD);
      t.keys('s'); // the driver skips gate 1; the store cannot hear of it
      await until(() => gates().length >= 2, GUARD, 'gate 2 in the transcript');
      const visit2 = gates()[1]!.gate as string;
      assert.match(visit2, /^2-[0-9a-f]{12}$/);
      // bob still sees gate 1 waiting in the store, and approves it: the database takes it, for visit 1.
      const bob = startCli(['approve', runId, 'terminate', '--yes'], { ...machineEnv(home), RUNBOOK_STORE: lab.url('bob') });
      assert.equal(await bob.exit, 0, bob.err());
      await lab.proxy.set('forward');
      await until(async () => (await waitingVisit(runId)) === visit2, GUARD, 'gate 2 in the store');
      await t.until(/store: reachable; waiting for a decision/, GUARD);
      await new Promise((r) => setTimeout(r, 2500)); // more than the waiter's poll: bob's visit-1 decision is in the store
      assert.ok(!existsSync(t.file), 'gate 2 ran on the decision made for gate 1');
      const carol = startCli(['approve', runId, 'terminate', '--yes'], { ...machineEnv(home), RUNBOOK_STORE: lab.url('carol') });
      assert.equal(await carol.exit, 0, carol.err());
      assert.equal(await t.exitCode(GUARD), 0);
      assert.ok(existsSync(t.file), 'the approved step ran');
      const answers = fileLines(transcript).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'confirmation-answered');
      assert.deepEqual(answers.map((a) => [a.answer, a.how, a.approver, a.gate]), [['skip', 'key', undefined, undefined], ['yes', 'four-eyes', 'carol', visit2]]);
    } finally {
      t.close();
    }
  });

  /** The gate visit the store says the run waits at. */
  async function waitingVisit(runId: string): Promise<string | undefined> {
    const c = await lab.as('carol');
    try { return (await c.query<{ v: string | null }>('SELECT waiting_visit AS v FROM runbook.runs WHERE run_id = $1', [runId]))[0]?.v ?? undefined; } finally { await c.end(); }
  }
});
