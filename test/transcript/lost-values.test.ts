// The walk behind resume's refusal to act on what the transcript does not hold (lost-values.ts), over spellings
// the end-to-end tests (test/hardening/resume-masked-values.test.ts, resume-lost-records.test.ts) do not run: a
// resumed for_each over rows whose items are read by member, a computed step id, a read only shown, a result
// whose record was cut, a step no longer reachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook } from '../../src/language/runbook.js';
import { lostReads } from '../../src/resume/lost-values.js';
import type { MachineContext } from '../../src/engine/machine-types.js';
import type { StepResult } from '../../src/executors/types.js';

const doc = (steps: string) => {
  const { runbook, diagnostics } = parseRunbook(`name: t\ntitle: T\ninputs:\n  which: { default: list }\nconnections:\n  db: { url: "postgres://db.internal/app" }\nsteps:\n${steps}`, '/tmp/t.yaml');
  if (!runbook) throw new Error(JSON.stringify(diagnostics));
  return runbook.doc;
};
const ok = (over: Partial<StepResult>): StepResult => ({ status: 'ok', durationMs: 1, ...over });
const context = (results: Record<string, StepResult>, extra: Partial<MachineContext> = {}): MachineContext =>
  ({ inputs: {}, results, captures: { sessions: 'list' }, visits: {}, ...extra });

const LIST = `  - id: list
    sql: { connection: db, query: "SELECT 1" }
    capture: sessions
`;
const KILL = (expr: string, more = '') => `  - id: kill
    destructive: true
    for_each: { in: sessions.rows, as: s, label: "\${{ s.user }}" }
    shell: echo ${expr}
${more}  - id: done
    end: resolved
    message: "\${{ sessions.rows[0].user }}"
`;

test('a resumed for_each acts on its recorded list: an item read by member is lost where that member was masked', () => {
  const d = doc(LIST + KILL('${{ s.token }}'));
  const items = [{ index: 0, label: 'app', value: { user: 'app', token: '****' } }];
  const point = (token: string) => ({ stepId: 'kill', phase: 'enter' as const, context: context({ list: ok({ rows: [] }) },
    { resumedLoop: { stepId: 'kill', items: [{ ...items[0]!, value: { user: 'app', token } }], done: {} } }) });
  assert.deepEqual(lostReads(d, point('****'), {}).map((l) => l.reads), ['s.token']);
  assert.deepEqual(lostReads(d, point('t0k3n'), {}), [], 'the real token: nothing lost');
  // The label only shows: a masked user there is not a read that acts.
  const shown = doc(LIST + KILL('${{ s.id }}'));
  assert.deepEqual(lostReads(shown, { stepId: 'kill', phase: 'enter', context: context({ list: ok({ rows: [] }) },
    { resumedLoop: { stepId: 'kill', items: [{ index: 0, label: '****', value: { user: '****', id: 7 } }], done: {} } }) }, {}), []);
});

const ACT = (condition: string) => `  - id: kill
    destructive: true
    if: >-
      ${condition}
    shell: echo x
  - id: done
    end: resolved
    message: done
`;
const SHELL_LIST = `  - id: list
    destructive: false
    safe_because: prints a constant
    shell: echo x
    capture: sessions
`;

test('reads of recorded results: by capture, by steps.<id>, by a computed id; only what the run may still reach', () => {
  const rows = [{ user: 'app', token: '****' }];
  for (const expr of ['${{ sessions.rows[0].token }}', "${{ steps['list'].rows[0].token }}", '${{ steps[inputs.which].rows }}', '${{ json(sessions) }}']) {
    const d = doc(LIST + ACT(`${expr.slice(4, -3)} != ''`));
    assert.equal(lostReads(d, { stepId: 'kill', phase: 'enter', context: context({ list: ok({ rows }) }) }, {}).length, 1, expr);
    // Past the reader (it finished and nothing leads back to it): nothing left reads it.
    assert.deepEqual(lostReads(d, { stepId: 'done', phase: 'enter', context: context({ list: ok({ rows }) }) }, {}), [], `${expr}, past it`);
  }
  const d = doc(LIST + ACT("sessions.rows[0].user == 'app'"));
  assert.deepEqual(lostReads(d, { stepId: 'kill', phase: 'enter', context: context({ list: ok({ rows }) }) }, {}), [], 'a member not masked is read as recorded');
});

test('a record cut short: the fields it names are lost, the rest is read as recorded', () => {
  const d = doc(LIST + ACT("sessions.rowCount > 0 and sessions.status == 'ok'"));
  const cut = ok({ rowCount: 3, truncated: { fields: ['rows', 'stdout'], reason: 'torn' } } as Partial<StepResult>);
  assert.deepEqual(lostReads(d, { stepId: 'kill', phase: 'enter', context: context({ list: cut }) }, {}), [], 'counts and status were kept');
  const rows = doc(LIST + ACT('length(sessions.rows) > 0'));
  assert.equal(lostReads(rows, { stepId: 'kill', phase: 'enter', context: context({ list: cut }) }, {}).length, 1, 'the rows were cut');
  const output = doc(SHELL_LIST + ACT("sessions.output != ''"));
  assert.equal(lostReads(output, { stepId: 'kill', phase: 'enter', context: context({ list: cut }) }, {}).length, 1, 'output is stdout');
});
