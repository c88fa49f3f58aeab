// The engine's side of four eyes: at a gate whose step says `approval:`, the operator's own yes (a key, typed,
// a flag) is refused and the gate stays open; declining still works; only a four-eyes or break-glass answer runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Run } from '../../src/engine/run.js';
import { createExecutors } from '../../src/executors/index.js';
import { readRunbook } from '../../src/language/runbook.js';
import { Redactor } from '../../src/secrets/redactor.js';
import type { ConfirmationAnswered, RunEvent } from '../../src/engine/events.js';

const FIXTURE = fileURLToPath(new URL('fixtures/four-eyes.yaml', import.meta.url));

async function gateRun(t: TestContext, answer: (run: Run) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-four-eyes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { runbook } = readRunbook(FIXTURE);
  const executors = createExecutors();
  t.after(() => executors.close());
  const run = new Run({ runbook: runbook!, inputs: { dir }, redactor: new Redactor(), executors, operator: 'alice' });
  const events: RunEvent[] = [];
  run.on((e) => { events.push(e); if (e.type === 'confirmation-requested') setImmediate(() => answer(run)); });
  const finished = await run.start();
  return { finished, events, steps: readFileSync(join(dir, 'steps'), 'utf8') };
}

test("the operator's own yes is refused at a four-eyes gate; a decline is taken", async (t) => {
  const refused: boolean[] = [];
  const { finished, events, steps } = await gateRun(t, (run) => {
    for (const how of ['key', 'typed', 'flag'] as const) refused.push(run.confirm('terminate', 'yes', how));
    assert.ok(run.pendingGate, 'the gate is still open');
    run.confirm('terminate', 'skip', 'key');
  });
  assert.deepEqual(refused, [false, false, false]);
  assert.equal(finished.outcome, 'escalate');
  assert.ok(!steps.includes('terminate'));
  const answers = events.filter((e): e is ConfirmationAnswered => e.type === 'confirmation-answered');
  assert.deepEqual(answers.map((a) => [a.answer, a.how]), [['skip', 'key']]);
  assert.deepEqual(events.find((e) => e.type === 'confirmation-requested' && e.approval !== undefined) !== undefined, true);
});

test('a four-eyes answer naming the gate visit runs the step, recording the approver; one naming another visit, or none, is refused', async (t) => {
  let visit: string | undefined;
  const { finished, events, steps } = await gateRun(t, (run) => {
    visit = run.pendingGate?.event.gate;
    assert.match(visit ?? '', /^1-[0-9a-f]{12}$/);
    const decision = { approver: 'bob', decidedAt: '2024-05-01T14:02:31.000Z' };
    for (const gate of [undefined, '1-000000000000', `2-${visit!.slice(2)}`]) {
      for (const answer of ['yes', 'skip'] as const) assert.equal(run.confirm('terminate', answer, 'four-eyes', { ...decision, ...(gate ? { gate } : {}) }), false, `${answer} for ${gate}`);
    }
    assert.equal(run.confirm('terminate', 'yes', 'four-eyes', { ...decision, gate: visit! }), true);
  });
  assert.equal(finished.outcome, 'resolved');
  assert.ok(steps.includes('terminate'));
  const answers = events.filter((e): e is ConfirmationAnswered => e.type === 'confirmation-answered');
  assert.deepEqual(answers.map((a) => [a.how, a.approver, a.by, a.gate]), [['four-eyes', 'bob', 'alice', visit]]);
});
