// Branch coverage: which routes exist, which no run can take, and how an uncovered one is reported.
import { test } from 'node:test';
import { dirname, join, relative } from 'node:path';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describeRoute, routesOf } from '../../src/testing/coverage.js';
import { formatResult } from '../../src/testing/report.js';
import { runbookFrom, tempDir, testWith } from './helpers.js';
import { cli } from '../helpers/cli.js';

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

// Which routes a run can take comes from the compiler's own rule (language/results.ts) over every result a step
// of that kind can have: a route no result takes is "never", not counted, so 100% is reachable for every kind.
const EVERY_OUTCOME = `
name: calls
title: Calls
steps:
  - id: net
    runbook: { name: other }
    on: { resolved: done, escalate: down, failed: down }
  - id: look
    manual: { instructions: Look, choices: [a, b] }
    on: { a: done, b: down, aborted: down }
  - id: check
    shell: echo
    on: { error: down, timeout: done, ok: done }
  - id: ask
    prompt: { message: Which? }
    on: { primary: done }
  - id: name
    vars: { x: "1" }
    on: { ok: done, failed: down }
  - id: gate
    destructive: true
    shell: echo
    on: { ok: done }
  - id: done
    end: resolved
  - id: down
    end: escalate
`;

test('routes no result can take are never counted, for every step kind: a call routing every outcome, aborted, a shadowed key', () => {
  const other = `name: other\ntitle: Other\nsteps:\n  - id: x\n    end: resolved\n`;
  const file = runbookFrom(EVERY_OUTCOME);
  writeFileSync(join(dirname(file.file), 'other.yaml'), other);
  const routes = routesOf(file.doc);
  assert.deepEqual(routes.filter((r) => r.never).map((r) => `${describeRoute(r)}: ${r.never}`), [
    'net → look  (falls through): its `on` keys route every result that does not fail',
    'look → down  (on aborted): an abort stops the whole run before any route is taken',
    'look → check  (falls through): its `on` keys route every result that does not fail',
    "check → done  (on timeout): the earlier `on` key 'error' takes every result it matches; put it first",
    'check → ask  (falls through): its `on` keys route every result that does not fail',
    'name → gate  (falls through): its `on` keys route every result that does not fail',
  ]);
  // A prompt without choices can be answered anything else: its fall-through stays; a destructive step can be
  // skipped at its gate, so `on: { ok }` leaves the skipped result to fall through.
  assert.ok(routes.some((r) => r.from === 'ask' && r.edge.via === 'then' && !r.never));
  assert.ok(routes.some((r) => r.from === 'gate' && r.edge.via === 'then' && !r.never));
});

test('a call step whose on routes every outcome reaches 100% coverage; --require-full-coverage passes', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'other.yaml'), `name: other\ntitle: Other\nsteps:\n  - id: x\n    end: resolved\n`);
  writeFileSync(join(dir, 'main.yaml'), `name: main
title: Main
steps:
  - id: net
    runbook: { name: other }
    on: { resolved: done, escalate: down, failed: down }
  - id: done
    end: resolved
  - id: down
    end: escalate
`);
  writeFileSync(join(dir, 'main.cases.yaml'), `cases:
  - { name: resolved, steps: { net: { value: resolved } }, path: [net, done], outcome: resolved }
  - { name: escalate, steps: { net: { value: escalate } }, path: [net, down], outcome: escalate }
  - { name: failed, steps: { net: { value: failed } }, path: [net, down], outcome: escalate }
`);
  const r = cli(['test', join(dir, 'main.yaml'), '--require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /coverage: 3\/3 routes \(100%\); 1 route no run can take, not counted/);
});
