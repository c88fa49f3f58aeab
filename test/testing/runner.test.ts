// The case runner: scripted results through the real engine, gate answers, retries and loops, waits,
// operator answers, dry run, and the verdict a failing case prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onlyCase, testWith } from './helpers.js';

const GATED = `
name: gated
title: Gated
inputs:
  service: { default: app }
steps:
  - id: check
    shell: systemctl is-active \${{ inputs.service }}
    capture: check
    next:
      - if: check.output == 'active'
        goto: healthy
  - id: restart
    destructive: true
    confirm: Restart?
    shell: systemctl restart \${{ inputs.service }}
    on: { skipped: left-alone }
  - id: restarted
    end: resolved
    message: restarted \${{ inputs.service }}
  - id: healthy
    end: resolved
    message: "\${{ inputs.service }} is \${{ check.output }}"
  - id: left-alone
    end: escalate
    message: not restarted
`;

test('a case passes when path and outcome match; the message may be checked too', async () => {
  const c = await onlyCase(GATED, `
  - name: healthy
    steps: { check: { stdout: "active\\n" } }
    path: [check, healthy]
    outcome: resolved
    message: app is active`);
  assert.equal(c.pass, true, c.lines.join('\n'));
  assert.deepEqual(c.run.path, ['check', 'healthy']);
});

test('a failing case prints expected and actual path, one line each, and the first difference', async () => {
  const c = await onlyCase(GATED, `
  - name: wrong
    steps: { check: { stdout: "failed\\n" } }
    path: [check, healthy]
    outcome: resolved`);
  assert.equal(c.pass, false);
  assert.deepEqual(c.lines.slice(0, 3), [
    'expected path: check → healthy',
    'actual path:   check → restart → restarted',
    "first difference at step 2: expected 'healthy', the run went to 'restart'",
  ]);
  assert.ok(c.lines.includes('final message: restarted app'), c.lines.join('\n'));
});

test('an outcome mismatch and a missing message are reported', async () => {
  const c = await onlyCase(GATED, `
  - name: outcome
    steps: { check: { stdout: "active" } }
    path: [check, healthy]
    outcome: escalate
    message: nope`);
  assert.equal(c.pass, false);
  assert.ok(c.lines.includes('expected outcome escalate, the run ended resolved'));
  assert.ok(c.lines.includes('expected the final message to contain "nope"'));
});

test('gates: yes by default; skip takes the skipped route; abort ends the run aborted', async () => {
  const r = await testWith(GATED, `
inputs: { service: web }
cases:
  - name: yes
    path: [check, restart, restarted]
    outcome: resolved
    message: restarted web
  - name: skip
    gates: { restart: skip }
    path: [check, restart, left-alone]
    outcome: escalate
  - name: abort
    gates: { restart: abort }
    path: [check, restart]
    outcome: aborted
`);
  assert.deepEqual(r.diagnostics, []);
  for (const c of r.cases) assert.equal(c.pass, true, `${c.name}: ${c.lines.join('\n')}`);
  assert.deepEqual(r.coverage?.uncovered.map((u) => u.edge.to), ['healthy'], 'no case is healthy');
});

const RETRY_LOOP = `
name: loop
title: Loop
steps:
  - id: flaky
    destructive: false
    safe_because: a GET of the health endpoint
    shell: curl -q -fsS http://localhost/health
    retry: { attempts: 3, backoff: 1h }
  - id: poll
    shell: cat state
    capture: state
    max_visits: 5
    next:
      - if: state.output == 'ready'
        goto: done
  - id: nap
    shell: "true"
    next: poll
  - id: done
    end: resolved
`;

test('a list of results is used attempt by attempt (retries, without the backoff) and visit by visit (loops)', async () => {
  const started = Date.now();
  const c = await onlyCase(RETRY_LOOP, `
  - name: retried then looped
    steps:
      flaky: [{ exitCode: 7 }, { exitCode: 7 }, { stdout: ok }]
      poll: [{ stdout: starting }, { stdout: starting }, { stdout: "ready\\n" }]
    path: [flaky, poll, nap, poll, nap, poll, done]
    outcome: resolved`);
  assert.equal(c.pass, true, c.lines.join('\n'));
  // Hang guard: idle value ~0.1 s; a backoff slept for real is 1 h.
  assert.ok(Date.now() - started < 60_000, 'the 1h backoff is not slept');
});

const LOOP = `
name: loop
title: Loop
steps:
  - id: each
    for_each: { in: "[1, 2, 3, 4]", as: n }
    shell: test \${{ n }} -gt 0
    on: { failed: partial }
  - id: fine
    end: resolved
    message: all \${{ steps.each.details.ok }}
  - id: partial
    end: escalate
    message: "\${{ steps.each.details.ok }} ok \${{ steps.each.details.failed }} failed, first \${{ steps.each.error }}"
`;

test('for_each: items: gives each item its own result, in list order; items past its end get the step\'s fields', async () => {
  const mixed = await onlyCase(LOOP, `
  - name: mixed
    steps:
      each:
        exitCode: 0
        items: [{ status: ok }, { exitCode: 4, stderr: "no such pid\\n" }]
    path: [each, partial]
    outcome: escalate
    message: "3 ok 1 failed, first 1 of 4 items failed; first: 2: exit code 4: no such pid"`);
  assert.equal(mixed.pass, true, mixed.lines.join('\n'));
  const whole = await onlyCase(LOOP, `
  - name: without items every item gets the step's result
    steps: { each: { exitCode: 1 } }
    path: [each, partial]
    outcome: escalate
    message: 0 ok 4 failed`);
  assert.equal(whole.pass, true, whole.lines.join('\n'));
  const visits = await onlyCase(LOOP, `
  - name: all ok
    steps: { each: { items: [{}, {}, {}, {}] } }
    path: [each, fine]
    outcome: resolved
    message: all 4`);
  assert.equal(visits.pass, true, visits.lines.join('\n'));
});

test('the last result repeats; a loop then hits max_visits and the run fails', async () => {
  const c = await onlyCase(RETRY_LOOP, `
  - name: never ready
    steps: { poll: { stdout: starting } }
    path: [flaky, poll, nap, poll, nap, poll, nap, poll, nap, poll, nap, poll]
    outcome: failed
    message: entered more than 5 times`);
  assert.equal(c.pass, true, c.lines.join('\n'));
});

test('retries exhausted: an unhandled failure ends the run failed', async () => {
  const c = await onlyCase(RETRY_LOOP, `
  - name: down
    steps: { flaky: { exitCode: 7, stderr: "connection refused" } }
    path: [flaky]
    outcome: failed
    message: "exit code 7: connection refused"`);
  assert.equal(c.pass, true, c.lines.join('\n'));
});

const WAIT = `
name: wait
title: Wait
steps:
  - id: settle
    wait:
      shell: df --output=pcent / | tail -n 1
      until: number(result.output) < 80
      every: 1h
      for: 2h
    on: { error: still-full }
  - id: ok
    end: resolved
    message: at \${{ steps.settle.output }}
  - id: still-full
    end: escalate
    message: "\${{ steps.settle.status }}"
`;

test('wait: ok when until holds for the scripted poll, timeout when it does not; no real waiting', async () => {
  const started = Date.now();
  const r = await testWith(WAIT, `
cases:
  - name: drops
    steps: { settle: { stdout: "42\\n" } }
    path: [settle, ok]
    outcome: resolved
    message: at 42
  - name: stays
    steps: { settle: { stdout: "95\\n" } }
    path: [settle, still-full]
    outcome: escalate
    message: timeout
`);
  for (const c of r.cases) assert.equal(c.pass, true, `${c.name}: ${c.lines.join('\n')}`);
  // Hang guard: idle value ~0.1 s; a wait polled for real is 1 h per poll.
  assert.ok(Date.now() - started < 60_000, 'the 1h polls are not waited');
});

const OPERATOR = `
name: operator
title: Operator
steps:
  - id: look
    manual: Look at the dashboard.
  - id: which
    prompt: { message: Which node?, default: primary, choices: [primary, replica] }
    capture: node
  - id: decide
    manual:
      instructions: Fixed on \${{ node.value }}?
      choices: [fixed, not-fixed]
    on: { fixed: done, not-fixed: escalate }
  - id: done
    end: resolved
    message: "\${{ steps.look.value }} / \${{ node.value }}"
  - id: escalate
    end: escalate
`;

test('operator answers: manual without choices answers done, a prompt its default, choices route', async () => {
  const c = await onlyCase(OPERATOR, `
  - name: fixed
    steps: { decide: { value: fixed } }
    path: [look, which, decide, done]
    outcome: resolved
    message: done / primary`);
  assert.equal(c.pass, true, c.lines.join('\n'));
});

test('a manual step with choices and no scripted answer fails, with a hint naming the fix', async () => {
  const c = await onlyCase(OPERATOR, `
  - name: forgot the answer
    path: [look, which, decide, done]
    outcome: resolved`);
  assert.equal(c.pass, false);
  assert.ok(c.lines.some((l) => l.startsWith("hint: step 'decide' waits for the operator: script the answer, e.g. steps: { decide: { value: <one of fixed, not-fixed> } }")), c.lines.join('\n'));
});

test('unscripted steps on the path of a failing case are named', async () => {
  const c = await onlyCase(GATED, `
  - name: unscripted
    path: [check, healthy]
    outcome: resolved`);
  assert.equal(c.pass, false);
  assert.ok(c.lines.includes('hint: no result scripted for check, restart, so they succeeded with empty output'), c.lines.join('\n'));
});

test('dry_run: destructive steps pass without a gate and count as succeeded', async () => {
  const c = await onlyCase(GATED, `
  - name: plan
    dry_run: true
    gates: { restart: abort }
    path: [check, restart, restarted]
    outcome: resolved`);
  assert.equal(c.pass, true, c.lines.join('\n'));
});

const CLASSIFIED = `
name: classified
title: Classified
inputs:
  url: { env: RUNBOOK_TEST_URL, required: true, secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: connect
    probe: db-connect
    with: { connection: db }
    on: { refused: down, timeout: down, ok: call }
  - id: call
    runbook: { name: refused }
    on: { escalate: handed-over }
  - id: fine
    end: resolved
  - id: down
    end: escalate
    message: "\${{ steps.connect.classification }}: \${{ steps.connect.error }}"
  - id: handed-over
    end: escalate
`;

test('classification implies a failure and routes on its key; a called runbook is scripted like any step', async () => {
  const r = await testWith(CLASSIFIED, `
inputs: { url: "postgres://u:pw@db/app" }
cases:
  - name: refused
    steps: { connect: { classification: refused, error: connect ECONNREFUSED } }
    path: [connect, down]
    outcome: escalate
    message: "refused: connect ECONNREFUSED"
  - name: timed out
    steps: { connect: { status: timeout } }
    path: [connect, down]
    outcome: escalate
    message: "timeout: timed out"
  - name: called runbook escalates
    steps: { call: { value: escalate } }
    path: [connect, call, handed-over]
    outcome: escalate
  - name: called runbook resolves
    steps: { call: { value: resolved } }
    path: [connect, call, fine]
    outcome: resolved
`);
  assert.deepEqual(r.diagnostics, []);
  for (const c of r.cases) assert.equal(c.pass, true, `${c.name}: ${c.lines.join('\n')}`);
  // refused and timeout both lead to 'down' but are separate routes; each is counted once taken.
  assert.equal(r.coverage?.uncovered.length, 0, r.coverage?.uncovered.map((u) => u.key).join());
});

test('cases are hermetic: an input is never taken from the environment', async () => {
  process.env.RUNBOOK_TEST_URL = 'postgres://from-env/app';
  try {
    const r = await testWith(CLASSIFIED, 'cases:\n  - { name: env, path: [connect], outcome: failed }\n');
    assert.equal(r.cases.length, 0);
    assert.match(r.diagnostics[0]?.message ?? '', /case 'env' needs input 'url': add it under inputs:/);
  } finally {
    delete process.env.RUNBOOK_TEST_URL;
  }
});
