// Walks compiled machines through every kind of branch with a scripted executor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../helpers/scripted.js';
import { until } from '../helpers/poll.js';

const BRANCHING = `
name: branching
title: Branching
connections:
  db: { url: "postgres://app@127.0.0.1:5432/app" }
steps:
  - id: usage
    sql: { query: "SELECT 95 AS used, 100 AS max" }
    capture: usage
    next:
      - if: usage.rows[0].used >= usage.rows[0].max * 0.9
        goto: busy
      - goto: calm
  - id: busy
    end: escalate
    message: "busy: \${{ usage.rows[0].used }} of \${{ usage.rows[0].max }}"
  - id: calm
    end: resolved
    message: calm
`;

test('next: the first branch whose condition holds is taken', async () => {
  const h = harness(BRANCHING, { usage: { rows: [{ used: 95, max: 100 }] } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'escalate');
  assert.equal(end.message, 'busy: 95 of 100');
  const branch = h.events.find((e) => e.type === 'branch');
  assert.deepEqual(branch, { type: 'branch', from: 'usage', to: 'busy', via: 'next', expression: 'usage.rows[0].used >= usage.rows[0].max * 0.9', value: true });
});

test('next: the unconditional branch catches the rest', async () => {
  const h = harness(BRANCHING, { usage: { rows: [{ used: 5, max: 100 }] } });
  assert.equal((await h.run.start()).outcome, 'resolved');
});

const ON = `
name: on
title: on
steps:
  - id: connect
    probe: db-connect
    with: { url: "postgres://x@127.0.0.1:1/db" }
    on: { too-many-connections: reserved, ok: fine, error: escalate }
  - id: fine
    end: resolved
  - id: reserved
    end: escalate
    message: use a superuser
  - id: escalate
    end: escalate
    message: "\${{ steps.connect.classification }}"
`;

test('on: classification wins over the generic error key', async () => {
  const h = harness(ON, { connect: { status: 'failed', classification: 'too-many-connections' } });
  const end = await h.run.start();
  assert.equal(end.message, 'use a superuser');
});

test('on: error catches any failure; ok catches success', async () => {
  assert.equal((await harness(ON, { connect: { status: 'failed', classification: 'refused' } }).run.start()).message, 'refused');
  assert.equal((await harness(ON, { connect: { status: 'ok', classification: 'ok' } }).run.start()).outcome, 'resolved');
});

test('a failed step without a handler ends the run as failed, naming the step', async () => {
  const h = harness(`
name: f
title: f
steps:
  - id: a
    shell: exit 3
  - id: b
    shell: echo never
`, { a: { status: 'failed', exitCode: 3 } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'failed');
  assert.match(end.message, /Step 'a' failed: exit code 3/);
  assert.deepEqual(h.calls.map((c) => c.stepId), ['a']);
});

test('if: a step whose condition is false is skipped; falling off the end resolves', async () => {
  const h = harness(`
name: s
title: s
inputs:
  go: { default: "no" }
steps:
  - id: a
    if: inputs.go == 'yes'
    shell: echo a
  - id: b
    shell: echo b
`, {}, { inputs: { go: 'no' } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved');
  assert.deepEqual(h.calls.map((c) => c.stepId), ['b']);
  assert.ok(h.events.some((e) => e.type === 'step-skipped' && e.stepId === 'a' && e.reason === 'condition'));
});

const GATED = `
name: gated
title: gated
inputs:
  n: { default: "3" }
steps:
  - id: count
    shell: echo 7
    capture: idle
  - id: kill
    destructive: true
    risk: high
    confirm: Terminate \${{ idle.output }} sessions?
    blast_radius: terminates \${{ idle.output }} sessions
    description: Frees slots.
    shell: echo kill \${{ inputs.n }}
    on: { skipped: skipped }
  - id: done
    end: resolved
  - id: skipped
    end: escalate
    message: operator skipped
`;

for (const [answer, outcome, ran] of [['yes', 'resolved', true], ['skip', 'escalate', false], ['abort', 'aborted', false]] as const) {
  test(`gate: ${answer} → ${outcome}; the step ${ran ? 'runs' : 'does not run'}`, async () => {
    const h = harness(GATED, { count: { stdout: '7\n' } }, { inputs: { n: '3' } });
    h.run.on((e) => { if (e.type === 'confirmation-requested') setImmediate(() => h.run.confirm(e.stepId, answer)); });
    const end = await h.run.start();
    assert.equal(end.outcome, outcome);
    assert.equal(h.calls.some((c) => c.stepId === 'kill'), ran);
    const asked = h.events.find((e) => e.type === 'confirmation-requested');
    assert.ok(asked && asked.type === 'confirmation-requested');
    assert.equal(asked.question, 'Terminate 7 sessions?');
    assert.equal(asked.blastRadius, 'terminates 7 sessions');
    assert.equal(asked.command, 'echo kill 3');
    assert.equal(asked.risk, 'high');
    const answered = h.events.findIndex((e) => e.type === 'confirmation-answered');
    const started = h.events.findIndex((e) => e.type === 'step-started' && e.stepId === 'kill');
    if (ran) assert.ok(answered < started, 'the answer is recorded before the step starts');
  });
}

test('gate: nothing moves a gate but confirm() for that step', async () => {
  const h = harness(GATED, {}, { inputs: { n: '3' } });
  const done = h.run.start();
  await until(() => h.run.pendingGate, 20_000, 'the gate'); // hang guard: ~1 ms idle (a 50 ms sleep lost under load, #20)
  assert.equal(h.run.pendingGate?.stepId, 'kill');
  assert.equal(h.run.confirm('count', 'yes'), false);
  assert.equal(h.calls.some((c) => c.stepId === 'kill'), false);
  h.run.confirm('kill', 'abort');
  assert.equal((await done).outcome, 'aborted');
});

test('loops stop at max_visits', async () => {
  const h = harness(`
name: loop
title: loop
steps:
  - id: poll
    max_visits: 3
    shell: echo 1
    capture: poll
    next:
      - if: poll.output == '0'
        goto: done
      - goto: poll
  - id: done
    end: resolved
`, { poll: { stdout: '1\n' } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'failed');
  assert.match(end.message, /entered more than 3 times/);
  assert.equal(h.calls.length, 3);
});

test('retry: only on the listed classifications, with the attempts counted', async () => {
  let n = 0;
  const h = harness(`
name: retry
title: retry
steps:
  - id: connect
    shell: echo x
    retry: { attempts: 3, backoff: 1ms, on: [refused] }
  - id: done
    end: resolved
`, { connect: async () => (++n < 3 ? { status: 'failed', classification: 'refused' } : { status: 'ok' }) });
  assert.equal((await h.run.start()).outcome, 'resolved');
  assert.equal(n, 3);
  const finished = h.events.filter((e) => e.type === 'step-finished');
  assert.deepEqual(finished.map((e) => e.type === 'step-finished' && (e.willRetry ?? false)), [true, true, false]);
});

test('timeout: the executor sees its signal abort with a TimeoutError', async () => {
  const h = harness(`
name: slow
title: slow
steps:
  - id: hang
    timeout: 50ms
    shell: sleep 600
`, {
    hang: (_a, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () =>
      resolve({ status: (ctx.signal.reason as Error).name === 'TimeoutError' ? 'timeout' : 'aborted' }))),
  });
  const end = await h.run.start();
  assert.equal(end.outcome, 'failed');
  assert.match(end.message, /timed out/);
});

test('abort during a step reaches the executor and ends the run as aborted', async () => {
  let sawAbort = false;
  const h = harness(`
name: slow
title: slow
steps:
  - id: hang
    shell: sleep 600
`, { hang: (_a, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => { sawAbort = true; resolve({ status: 'aborted' }); })) });
  const done = h.run.start();
  // Aborted once the step runs (a 30 ms timer could fire before it started under load, #20). Hang guard: ~1 ms idle.
  await until(() => h.calls.some((c) => c.stepId === 'hang'), 20_000, 'the step to run');
  h.run.abort('operator pressed Ctrl-C');
  const end = await done;
  assert.equal(end.outcome, 'aborted');
  assert.equal(end.message, 'operator pressed Ctrl-C');
  assert.ok(sawAbort);
});

test('shell values travel as arguments, never in the script text', async () => {
  const h = harness(`
name: quote
title: quote
inputs:
  svc: { default: x }
steps:
  - id: status
    shell: systemctl status \${{ inputs.svc }} --no-pager
`, {}, { inputs: { svc: "'; rm -rf / #" } });
  await h.run.start();
  const action = h.calls[0]!.action;
  assert.ok(action.kind === 'shell');
  // A proven read runs the plan's own text (language/shell-plan-text.ts): every word quoted, the value a reference.
  assert.equal(action.script, `'systemctl' 'status' "\${RUNBOOK_V1}" '--no-pager'`);
  assert.deepEqual(action.values, ["'; rm -rf / #"]);
});

test('secrets never reach subscribers, even split across output chunks', async () => {
  const { Redactor } = await import('../../src/secrets/redactor.js');
  const redactor = new Redactor();
  redactor.add('hunter2-secret');
  const h = harness(`
name: secret
title: secret
inputs:
  pw: { secret: true, default: x }
steps:
  - id: echo
    shell: echo \${{ inputs.pw }}
  - id: found
    shell: cat notes.txt
`, {
    // Given the secret: everything it printed is withheld, whatever form it took (secrets/step-taint.ts).
    echo: async (_a, ctx) => { ctx.onOutput('stdout', 'pw=HUNTER2-'); ctx.onOutput('stdout', 'SECRET\n'); return { stdout: 'pw=HUNTER2-SECRET\n', error: 'hunter2-secret' }; },
    // Not given it, but prints it anyway (it found it in a file): masked by value, also split across chunks.
    found: async (_a, ctx) => { ctx.onOutput('stdout', 'pw=hunter2-'); ctx.onOutput('stdout', 'secret\n'); return { stdout: 'pw=hunter2-secret\n' }; },
  }, { inputs: { pw: 'hunter2-secret' }, redactor });
  await h.run.start();
  const all = JSON.stringify(h.events);
  assert.ok(!/hunter2|HUNTER2/.test(all), all);
  assert.ok(!h.events.some((e) => e.type === 'step-output' && e.stepId === 'echo'), 'the step given the secret streams nothing');
  const echo = h.events.find((e) => e.type === 'step-finished' && e.stepId === 'echo');
  assert.deepEqual(echo?.type === 'step-finished' && [echo.result.stdout, echo.result.withheld?.because], ['****', ['${{ inputs.pw }}']]);
  assert.ok(all.includes('pw=****'));
});

test('a critical listener that cannot record stops the run before the destructive step', async () => {
  const h = harness(GATED, {}, { inputs: { n: '3' } });
  h.run.on((e) => { if (e.type === 'confirmation-answered') throw new Error('disk full'); }, { critical: true });
  h.run.on((e) => { if (e.type === 'confirmation-requested') setImmediate(() => h.run.confirm(e.stepId, 'yes')); });
  const end = await h.run.start();
  assert.equal(end.outcome, 'interrupted');
  assert.match(end.message, /cannot record the run: disk full/);
  assert.equal(h.calls.some((c) => c.stepId === 'kill'), false);
});

test('resume starts at the given step with the recorded context', async () => {
  const h = harness(GATED, {}, {
    inputs: { n: '3' },
    resume: { stepId: 'kill', context: { inputs: { n: '3' }, results: { count: { status: 'ok', durationMs: 1, stdout: '9\n' } }, captures: { idle: 'count' }, visits: { count: 1 } } },
  });
  h.run.on((e) => { if (e.type === 'confirmation-requested') setImmediate(() => h.run.confirm(e.stepId, 'yes')); });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved');
  assert.deepEqual(h.calls.map((c) => c.stepId), ['kill']);
  const gate = h.events.find((e) => e.type === 'confirmation-requested');
  assert.ok(gate?.type === 'confirmation-requested' && gate.resumed && gate.question === 'Terminate 9 sessions?');
});

test('dry run: destructive steps are shown, not run; read-only steps run', async () => {
  const h = harness(GATED, { count: { stdout: '2\n' } }, { inputs: { n: '3' }, dryRun: true });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved');
  assert.deepEqual(h.calls.map((c) => c.stepId), ['count']);
  assert.ok(h.events.some((e) => e.type === 'step-skipped' && e.reason === 'dry-run' && e.detail === 'echo kill 3'));
  assert.ok(h.events.some((e) => e.type === 'confirmation-answered' && e.how === 'dry-run'));
});

test('on ok: only a successful status, not a failed result classified ok', async () => {
  const h = harness(`
name: okish
title: okish
steps:
  - id: wait-up
    probe: tcp
    with: { host: 127.0.0.1, port: 1 }
    on: { ok: up, error: down }
  - id: up
    end: resolved
  - id: down
    end: escalate
`, { 'wait-up': { status: 'timeout', classification: 'ok' } });
  assert.equal((await h.run.start()).outcome, 'escalate');
});

test('a called runbook surfaces its gates under the calling step and its outcome branches', async () => {
  const { Run } = await import('../../src/engine/run.js');
  const { Redactor } = await import('../../src/secrets/redactor.js');
  const { runbookFrom, scriptedExecutors } = await import('../helpers/scripted.js');
  const childCalls: string[] = [];
  const child = runbookFrom(GATED);
  let parent: InstanceType<typeof Run>;
  const h = harness(`
name: parent
title: parent
steps:
  - id: call
    runbook: { name: gated }
    on: { resolved: fixed, escalate: not-fixed }
  - id: fixed
    end: resolved
  - id: not-fixed
    end: escalate
`, {}, {
    callRunbook: async () => {
      const run = new Run({ runbook: child, inputs: { n: '1' }, redactor: new Redactor(), executors: scriptedExecutors({}, []) });
      run.on((e) => { if (e.type === 'step-started') childCalls.push(e.stepId); });
      const release = parent.adopt(run, 'call');
      const end = await run.start();
      release();
      return { status: end.outcome === 'resolved' ? 'ok' : 'failed', durationMs: 1, value: end.outcome };
    },
  });
  parent = h.run;
  h.run.on((e) => { if (e.type === 'confirmation-requested') setImmediate(() => h.run.confirm(e.stepId, 'skip')); });
  const end = await h.run.start();
  const gate = h.events.find((e) => e.type === 'confirmation-requested');
  assert.equal(gate?.type === 'confirmation-requested' && gate.stepId, 'call/kill');
  assert.deepEqual(childCalls, ['count'], 'the skipped step did not run');
  assert.equal(end.outcome, 'escalate', 'the child ended escalate (skipped branch), so the parent took on.escalate');
  assert.ok(h.events.some((e) => e.type === 'step-started' && e.stepId === 'call/count'));
});

test('a condition that cannot be evaluated with the run\'s data ends the run failed, naming step and expression', async () => {
  const yaml = (where: 'if' | 'next') => `
name: broken
title: broken
inputs:
  pattern: { default: x }
steps:
  - id: a
    shell: echo hi
    capture: a
${where === 'if' ? '    if: "\'x\' matches inputs.pattern"\n' : "    next:\n      - if: a.output matches inputs.pattern\n        goto: b\n"}  - id: b
    end: resolved
`;
  for (const where of ['if', 'next'] as const) {
    const h = harness(yaml(where), { a: { stdout: 'hi\n' } }, { inputs: { pattern: '(' } });
    const end = await h.run.start();
    assert.equal(end.outcome, 'failed', where);
    assert.match(end.message, /^Step 'a': cannot evaluate '.*matches inputs\.pattern': invalid regular expression/);
    assert.equal(end.stepId, 'a');
  }
});

test('step titles are shown with their templates filled in', async () => {
  const h = harness(`
name: titles
title: titles
inputs:
  minutes: { default: "5" }
steps:
  - id: idle
    title: Sessions idle for over \${{ inputs.minutes }} min
    shell: echo
`, {}, { inputs: { minutes: '7' } });
  await h.run.start();
  const started = h.events.find((e) => e.type === 'step-started');
  assert.equal(started?.type === 'step-started' && started.title, 'Sessions idle for over 7 min');
});
