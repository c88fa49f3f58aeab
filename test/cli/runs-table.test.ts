// `runbook runs` fits 80 columns (issue #47: rows were 107–113 characters and wrapped), whatever the names:
// the run id's first 8 characters, long runbook names, roles and steps cut with an ellipsis; a run another role
// took over names both roles; a waiting run says which gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runsTable, type RunRow } from '../../src/cli/commands/runs.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const row = (over: Partial<RunRow>): RunRow => ({
  run_id: '6f1c2a9e-0000-4000-8000-000000000000', runbook: 'pool-exhausted', operator: 'alice', driver: 'alice', driver_host: 'laptop',
  state: 'running', current_step: 'look', waiting_gate: null, started_at: new Date(NOW - 60_000), heard_at: new Date(NOW - 5_000), ...over,
});

test('every line fits in 80 columns, for any names (fixed seed)', () => {
  const name = fc.string({ minLength: 1, maxLength: 70 });
  fc.assert(fc.property(fc.array(fc.record({ runbook: name, operator: name, driver: name, current_step: name, waiting_gate: fc.option(name), state: fc.constantFrom('running', 'interrupted', 'resolved', 'escalate') }), { minLength: 1, maxLength: 50 }), (rows) => {
    for (const line of runsTable(rows.map(row), NOW)) assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
  }), { seed: 4747, numRuns: 300 });
});

test('what a row says: the short id, the driver (and who started it), where it waits', () => {
  const [head, waiting, taken] = runsTable([
    row({ waiting_gate: 'terminate', current_step: 'terminate' }),
    row({ run_id: '0a1b2c3d-x', driver: 'carol', state: 'interrupted', current_step: 'hold', heard_at: new Date(NOW - 3_600_000) }),
  ], NOW);
  assert.equal(head, 'RUN       RUNBOOK         DRIVER       STATE        AT              HEARD');
  assert.equal(waiting, '6f1c2a9e  pool-exhausted  alice        running      gate terminate  5s ago');
  assert.equal(taken, '0a1b2c3d  pool-exhausted  carol<alice  interrupted  hold            60m ago');
});
