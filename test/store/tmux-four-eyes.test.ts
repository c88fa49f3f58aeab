// A four-eyes gate in a real terminal (tmux) against a real team store: the panel says the gate waits for
// another person, with the command that answers it and who may; y explains it cannot approve one's own step;
// (alone or in a chunk with Enter); the store cut (reset, refused) and back is shown in the panel and the header, never as lines written over
// the screen; bob's approval from another terminal runs the step.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasTmux, Terminal } from '../ui/terminal.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
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
});
