// What a gate and a status line say is computed from the current values (issue 49): in pool-exhausted, after the
// operator lowers the idle threshold (0.5 min) at lower-thresholds, the second look at idle sessions and the gate
// that ends them say "over 0.5 min" — the step's row, the gate's title and question — never the runbook's default
// (10). It said 10: on the second round lower-thresholds is skipped (something passes now), its skipped result
// replaced the answer, and `default(lower.value, inputs.idle_minutes)` fell back to the default. The threshold in
// effect is now kept by a vars step (`thresholds`). The flagship runbook, scripted results, the real engine and view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testRun, waitFor } from '../ui/helpers.js';
import { ROOT } from '../helpers/cli.js';
import { createViewStore } from '../../src/ui/view-store.js';
import type { ConfirmationRequested } from '../../src/engine/events.js';

test('pool-exhausted: after the threshold is lowered, the step row and the gate say the lowered value', async () => {
  let idleVisits = 0;
  const t = testRun(readFileSync(join(ROOT, 'runbooks', 'pool-exhausted.yaml'), 'utf8'), {
    usage: { rows: [{ used: 10, max: 10, reserved: 3, usable: 7, pct: 100 }] },
    'idle-in-transaction': { rows: [] },
    'long-queries': { rows: [] },
    'idle-sessions': async () => (++idleVisits === 1 ? { rows: [] } : { rows: [{ pid: 6000, total: 7, idle_s: 40 }], rowCount: 1 }),
    'left-out': { rows: [{ sessions: 9, idle: 9, idle_tx: 0, active: 0, oldest_idle_min: 2.5, youngest_idle_s: 40, oldest_idle_s: 150 }] },
    'lower-thresholds': { value: '0.5' },
  }, { inputs: { url: 'postgres://admin@db.internal:5432/app', app_processes: 0, idle_minutes: 10, idle_tx_minutes: 5, long_query_minutes: 5 } });
  const store = createViewStore(t.run, t.runbook.doc);
  void t.run.start();
  const gate = await waitFor(() => t.events.find((e): e is ConfirmationRequested => e.type === 'confirmation-requested' && e.stepId === 'terminate-idle-pg'), 'the gate that ends idle sessions');
  assert.equal(idleVisits, 2, 'idle sessions looked at again with the lowered threshold');
  assert.match(gate.title, /idle for over 0\.5 min/);
  assert.match(gate.question, /idle for over 0\.5 min\?/);
  const rows = store.get().steps;
  assert.match(rows.find((s) => s.id === 'idle-sessions')!.title, /over 0\.5 min/, 'the step row, re-rendered on its second visit');
  assert.match(rows.find((s) => s.id === 'idle-in-transaction')!.title, /over 0\.5 min/);
  for (const s of rows) assert.doesNotMatch(s.title, /over 10 min/, `${s.id}: ${s.title}`);
  t.run.abort('the test ended');
  store.dispose();
});
