// Branch coverage: which routes exist, which no run can take, and how an uncovered one is reported.
import { test } from 'node:test';
import { relative } from 'node:path';
import assert from 'node:assert/strict';
import { describeRoute, routesOf } from '../../src/testing/coverage.js';
import { formatResult } from '../../src/testing/report.js';
import { runbookFrom, testWith } from './helpers.js';

const ROUTES = `
name: routes
title: Routes
steps:
  - id: probe
    probe: tcp
    with: { host: db, port: 5432 }
    on: { ok: query, refused: down, error: down }
  - id: query
    shell: echo 1
    capture: q
    next:
      - if: q.output == '1'
        goto: pick
      - goto: down
      - goto: pick
  - id: pick
    manual: { instructions: Which?, choices: [a, b] }
    on: { a: done, b: down }
  - id: maybe
    if: q.output == '2'
    shell: echo maybe
    on: { ok: done }
  - id: done
    end: resolved
  - id: down
    end: escalate
`;

test('every on key, next branch and fall-through is a route; those no run can take are set apart', () => {
  const routes = routesOf(runbookFrom(ROUTES).doc);
  assert.deepEqual(routes.map((r) => `${describeRoute(r)}${r.never ? ` [never: ${r.never}]` : ''}`), [
    'probe → query  (on ok)',
    'probe → down  (on refused)',
    'probe → down  (on error)',
    'probe → query  (falls through) [never: its `on` keys route every result that does not fail]',
    "query → pick  (if q.output == '1')",
    'query → down  (next)',
    'query → pick  (next) [never: an earlier branch without `if` is always taken first]',
    'pick → done  (on a)',
    'pick → down  (on b)',
    'pick → maybe  (falls through) [never: its `on` keys route every result that does not fail]',
    'maybe → done  (on ok)',
    // `if` can skip the step, and `on` has no `skipped` key: the fall-through stays a real route.
    'maybe → done  (falls through)',
  ]);
});

test('uncovered routes are listed at file:line:col; on keys to the same step count separately', async () => {
  const r = await testWith(ROUTES, `
cases:
  - name: refused
    steps: { probe: { classification: refused } }
    path: [probe, down]
    outcome: escalate
  - name: a
    steps: { query: { stdout: "1\\n" }, pick: { value: a } }
    path: [probe, query, pick, done]
    outcome: resolved
`);
  assert.ok(r.cases.every((c) => c.pass), r.cases.flatMap((c) => c.lines).join('\n'));
  const file = relative('/', r.runbook.file);
  assert.deepEqual(formatResult(r, '/').slice(3), [
    '  coverage: 4/9 routes (44%); 3 routes no run can take, not counted',
    `    not taken: ${file}:8:37  probe → down  (on error)`,
    `    not taken: ${file}:15:9  query → down  (next)`,
    `    not taken: ${file}:19:20  pick → down  (on b)`,
    `    not taken: ${file}:23:11  maybe → done  (on ok)`,
    `    not taken: ${file}:20:5  maybe → done  (falls through)`,
  ]);
});
