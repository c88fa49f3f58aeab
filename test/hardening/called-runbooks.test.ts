// Called runbooks (`runbook:` steps) with people in them (issue #18): a question or gate inside a called runbook
// is asked and answered like any other, in plain mode too, with a database pool open or not; an abort inside
// stops the whole run (aborted, 130), never a failed step the caller routes past; and whatever goes wrong, the
// process never exits 0 with the record cut short.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startPostgres } from '../../src/lab/index.js';
import { loadRunbook } from '../../src/catalog/load-runbook.js';
import { runbookCaller } from '../../src/cli/call-runbook.js';
import { Run } from '../../src/engine/run.js';
import type { RunEvent } from '../../src/engine/events.js';
import { createExecutors } from '../../src/executors/index.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { cli, finished, scratch, transcriptLines, writeRunbook } from './helpers.js';

const INNER_MANUAL = `name: inner
title: Inner with a question
steps:
  - id: ask
    manual: { instructions: Do the thing, choices: [done, nope] }
    on: { nope: bad }
  - id: ok
    end: resolved
    message: inner done
  - id: bad
    end: escalate
`;

const INNER_PROMPT = `name: inner
title: Inner with a prompt
steps:
  - id: ask
    prompt: { message: "Which replica?", pattern: "^r[0-9]+$" }
  - id: ok
    end: resolved
    message: "picked \${{ steps.ask.value }}"
`;

const INNER_GATE = `name: inner
title: Inner with a gate
steps:
  - id: act
    destructive: true
    shell: echo acted > "\${{ inputs.marker }}"
  - id: ok
    end: resolved
inputs:
  marker: { required: true }
`;

/** The caller; \`before\` is an optional first step (e.g. SQL that opens a pool). */
const outer = (before = '', inputs = '') => `name: outer
title: Outer
${inputs}steps:
${before}  - id: call
    runbook: { name: ./inner.yaml${inputs ? ', inputs: { marker: "${{ inputs.marker }}" }' : ''} }
    on: { resolved: fine, escalate: other, failed: other, aborted: other }
  - id: fine
    end: resolved
    message: "inner said: \${{ steps.call.output }}"
  - id: other
    end: escalate
    message: the caller routed past the call
`;

describe('a called runbook asks its questions in plain mode', { concurrency: true }, () => {
  it('a manual step inside is answered from stdin: the run goes on and ends resolved', async (t) => {
    const dir = scratch(t);
    writeRunbook(dir, 'inner', INNER_MANUAL);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'outer', outer()), '--plain', '--transcript', transcript], { stdin: 'done\n' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = transcriptLines(transcript);
    assert.equal(finished(lines)?.outcome, 'resolved');
    assert.ok(lines.some((l) => l.type === 'question-answered' && l.stepId === 'call/ask' && l.answer === 'done'));
    assert.match(finished(lines)!.message, /inner said: inner done/);
  });

  it('a prompt inside, stdin closed: the run stops failed and recorded (exit 1), never exit 0 with the record cut short', async (t) => {
    const dir = scratch(t);
    writeRunbook(dir, 'inner', INNER_PROMPT);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'outer', outer()), '--plain', '--transcript', transcript]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))?.outcome, 'failed');
  });

  it('a prompt inside with a wrong answer then a right one: the pattern is checked, the answer used', async (t) => {
    const dir = scratch(t);
    writeRunbook(dir, 'inner', INNER_PROMPT);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'outer', outer()), '--plain', '--transcript', transcript], { stdin: 'replica-2\nr2\n' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(finished(transcriptLines(transcript))!.message, /picked r2/);
  });

  it('with a database pool open in the caller, the question inside is still answered from stdin', async (t) => {
    const server = await startPostgres();
    t.after(() => server.stop());
    const dir = scratch(t);
    writeRunbook(dir, 'inner', INNER_MANUAL);
    const before = `  - id: look
    sql: { query: "SELECT 1 AS one" }
`;
    const yaml = outer(before).replace('steps:\n', `connections:\n  db: { url: "${server.url()}" }\nsteps:\n`);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'outer', yaml), '--plain', '--transcript', transcript], { stdin: 'done\n', timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))?.outcome, 'resolved');
  });

  it('a gate inside, approved by its qualified id (--approve call/act): it runs', async (t) => {
    const dir = scratch(t);
    writeRunbook(dir, 'inner', INNER_GATE);
    const marker = join(dir, 'marker');
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', writeRunbook(dir, 'outer', outer('', 'inputs:\n  marker: { required: true }\n')), '--plain',
      '--approve', 'call/act', '--transcript', transcript, '--input', `marker=${marker}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(finished(transcriptLines(transcript))?.outcome, 'resolved');
  });
});

describe('an abort inside a called runbook stops the whole run', () => {
  for (const [where, answer] of [['at a gate', 'gate'], ['at a question (the operator aborts the run)', 'question']] as const) {
    it(`${where}: the run ends aborted; the caller's on: aborted / failed is not taken`, async (t) => {
      const dir = scratch(t);
      writeRunbook(dir, 'inner', answer === 'gate' ? INNER_GATE : INNER_MANUAL);
      const file = writeRunbook(dir, 'outer', outer('', answer === 'gate' ? 'inputs:\n  marker: { required: true }\n' : ''));
      const runbook = loadRunbook(file).runbook;
      const redactor = new Redactor();
      const executors = createExecutors();
      t.after(() => executors.close());
      const run: Run = new Run({
        runbook, redactor, executors, dryRun: false, inputs: { marker: join(dir, 'marker') },
        callRunbook: runbookCaller(() => run, runbook, redactor, false),
      });
      const events: RunEvent[] = [];
      run.on((e) => {
        events.push(e);
        // What the terminal UI does for 'a' at the gate, or Ctrl-C while a question is open.
        if (e.type === 'confirmation-requested') queueMicrotask(() => run.confirm(e.stepId, 'abort'));
        if (e.type === 'question-asked') queueMicrotask(() => run.abort());
      });
      const end = await run.start();
      assert.equal(end.outcome, 'aborted', end.message);
      assert.ok(!events.some((e) => e.type === 'step-started' && e.stepId === 'other'), 'the caller did not route past the call');
      if (answer === 'gate') assert.ok(events.some((e) => e.type === 'confirmation-requested' && e.stepId === 'call/act'));
    });
  }
});

describe('calls are checked before anything runs (validate and run)', { concurrency: true }, () => {
  const CALLEE = `name: callee
title: Callee
inputs:
  url: { required: true }
  depth: { default: 1 }
  token: { required: true, env: CALLEE_TOKEN }
steps:
  - id: done
    end: resolved
`;
  const caller = (call: string) => `name: caller
title: Caller
steps:
  - id: call
${call}
  - id: done
    end: resolved
`;

  it('a misspelt name, an unknown input, a missing required input and a cycle: located errors, exit 2, nothing runs', async (t) => {
    const dir = scratch(t);
    writeRunbook(dir, 'callee', CALLEE);
    writeRunbook(dir, 'loop-a', caller('    runbook: { name: loop-b }'));
    writeRunbook(dir, 'loop-b', caller('    runbook: { name: loop-a }'));
    const cases: [string, RegExp][] = [
      ['    runbook: { name: calee, inputs: { url: x } }', /:5:22: error: no runbook 'calee' beside caller\.yaml or in the catalog — did you mean 'callee'\? \[unknown-runbook\]/],
      ['    runbook: { name: callee, inputs: { url: x, dept: 2 } }', /:5:48: error: 'dept' is not an input of the called runbook 'callee' — did you mean 'depth'\? \[unknown-input\]/],
      ['    runbook: { name: callee, inputs: { depth: 2 } }', /:5:22: error: the called runbook 'callee' requires input 'url': give it under runbook.inputs \[missing-input\]/],
      ['    runbook: { name: loop-a }', /error: runbooks call each other in a cycle: caller\.yaml → loop-a\.yaml → loop-b\.yaml → loop-a\.yaml \[call-cycle\]/],
    ];
    for (const [call, expected] of cases) {
      const file = writeRunbook(dir, 'caller', caller(call));
      const v = await cli(['validate', file]);
      assert.equal(v.code, 2, v.stdout + v.stderr);
      assert.match(v.stdout, expected);
      const r = await cli(['run', file, '--plain', '--transcript', join(dir, 'never.jsonl')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, expected);
      assert.deepEqual(transcriptLines(join(dir, 'never.jsonl')), [], 'nothing ran');
    }
  });

  it('a bare name is found beside the calling file, wherever the operator stands', async (t) => {
    const dir = scratch(t);
    const elsewhere = scratch(t);
    writeRunbook(dir, 'inner', INNER_MANUAL);
    writeRunbook(elsewhere, 'inner', 'name: inner\ntitle: The wrong one\nsteps:\n  - id: wrong\n    end: escalate\n    message: the wrong inner\n');
    const file = writeRunbook(dir, 'outer', outer().replace('./inner.yaml', 'inner'));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript], { cwd: elsewhere, stdin: 'done\n' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(finished(transcriptLines(transcript))!.message, /inner said: inner done/);
  });
});
