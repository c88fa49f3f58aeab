// Taint by flow through the engine (issue #46, docs/secrets.md): what a step given a secret returned stays secret
// wherever the engine carries it. A vars step computed from it, a later step's value and the end message are masked,
// and a step given nothing secret is recorded as it printed. A route or a loop over it is refused since stop 79
// (test/secrets/secret-routes.test.ts): which way the run went is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../helpers/scripted.js';
import { Redactor } from '../../src/secrets/redactor.js';

const RUNBOOK = `
name: flow
title: flow
inputs:
  pw: { secret: true, default: x }
steps:
  - id: fetch
    shell: { run: "cat keys.txt", env: { token: "\${{ inputs.pw }}" } }
  - id: pick
    vars: { first: "upper(lines(steps.fetch.output)[0])" }
  - id: plain
    shell: "echo nothing secret"
  - id: done
    end: resolved
    message: "first \${{ vars.first }}"
`;

test('what a step given a secret returned is a secret wherever it flows', async () => {
  const redactor = new Redactor();
  redactor.add('hunter2-token');
  const h = harness(RUNBOOK, {
    fetch: { stdout: 'alpha-key-771\nbeta-key-882\n' },
    plain: { stdout: 'nothing secret\n' },
  }, { inputs: { pw: 'hunter2-token' }, redactor });
  await h.run.start();
  const all = JSON.stringify(h.events);
  for (const s of ['alpha-key-771', 'beta-key-882', 'ALPHA-KEY-771', 'hunter2']) assert.ok(!all.includes(s), `${s} in ${all}`);
  const finished = (id: string) => h.events.find((e) => e.type === 'step-finished' && e.stepId === id);
  const result = (id: string) => { const f = finished(id); return f?.type === 'step-finished' ? f.result : undefined; };
  assert.deepEqual(result('fetch')?.withheld?.because, ['env token']);
  assert.equal(result('plain')?.stdout, 'nothing secret\n');
  const end = h.events.find((e) => e.type === 'run-finished');
  assert.ok(end?.type === 'run-finished' && end.message === 'first ****', JSON.stringify(end));
});
