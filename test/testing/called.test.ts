// Issue #18: `runbook test` runs a called runbook through the real engine against its own scripted results,
// given in the caller's case under qualified ids (`<call>/<step>`); scripting the call step itself pretends the
// outcome. Keys that name no step of the called runbook are located errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runbookFrom, tempDir } from './helpers.js';
import { testRunbook } from '../../src/testing/index.js';

const NET = `name: net
title: Network
inputs:
  host: { required: true }
steps:
  - id: ping
    shell: ping -c1 \${{ inputs.host }} >/dev/null && echo up || echo down
    capture: ping
    next:
      - if: ping.output == 'up'
        goto: fine
  - id: restart
    destructive: true
    shell: systemctl restart networking
    on: { skipped: down }
  - id: fine
    end: resolved
    message: "\${{ inputs.host }} answers"
  - id: down
    end: escalate
    message: "\${{ inputs.host }} is down"
outputs:
  state: ping.output
`;

const CALLER = `name: caller
title: Caller
steps:
  - id: network
    runbook: { name: net, inputs: { host: db-1 } }
    on: { resolved: done, escalate: page }
  - id: done
    end: resolved
    message: "fine (\${{ steps.network.outputs.state }})"
  - id: page
    end: escalate
    message: "page: \${{ steps.network.error }}"
`;

async function run(cases: string) {
  const dir = tempDir();
  writeFileSync(join(dir, 'net.yaml'), NET);
  const runbook = runbookFrom(CALLER, join(dir, 'caller.yaml'));
  writeFileSync(join(dir, 'caller.cases.yaml'), cases);
  return testRunbook(runbook, join(dir, 'caller.cases.yaml'));
}

test("the called runbook runs on the case's <call>/<step> results: its routes, gates and outputs decide the caller's", async () => {
  const r = await run(`cases:
  - name: host answers
    steps: { network/ping: { stdout: "up\\n" } }
    path: [network, done]
    outcome: resolved
    message: fine (up)
  - name: host down, restart skipped at the called runbook's gate
    steps: { network/ping: { stdout: "down\\n" } }
    gates: { network/restart: skip }
    path: [network, page]
    outcome: escalate
    message: "page: db-1 is down"
  - name: host down, restart approved
    steps: { network/ping: { stdout: "down\\n" } }
    path: [network, page]
    outcome: escalate
`);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.cases.map((c) => [c.name, c.pass, c.lines]), [
    ['host answers', true, []],
    ["host down, restart skipped at the called runbook's gate", true, []],
    ['host down, restart approved', false, r.cases[2]!.lines],
  ]);
  // Approved, the restart runs and the called runbook falls through to `fine`: the caller goes to done.
  assert.equal(r.cases[2]!.run.outcome, 'resolved');
  assert.deepEqual(r.cases[2]!.run.path, ['network', 'done']);
});

test('scripting the call step itself pretends the outcome; nothing of the called runbook runs', async () => {
  const r = await run(`cases:
  - name: pretend
    steps: { network: { value: escalate, error: scripted }, network/ping: { stdout: "up\\n" } }
    path: [network, page]
    outcome: escalate
    message: "page: scripted"
`);
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.line, d.col]), [['warning', 'unused-script', 3, 61]], JSON.stringify(r.diagnostics));
  assert.match(r.diagnostics[0]!.message, /'network\/ping' is never used in case 'pretend': the call step 'network' is scripted itself/);
  assert.equal(r.cases[0]!.pass, true, r.cases[0]!.lines.join('\n'));
});

test("a failing case names the called runbook's unscripted steps by qualified id", async () => {
  const r = await run(`cases:
  - name: forgot the ping
    path: [network, page]
    outcome: escalate
`);
  assert.equal(r.cases[0]!.pass, false);
  assert.ok(r.cases[0]!.run.defaulted.includes('network/ping'), JSON.stringify(r.cases[0]!.run.defaulted));
  assert.equal(r.cases[0]!.run.outcome, 'resolved', 'an empty ping output is not up: the approved restart ran, and the called runbook resolved');
});

test('keys of called steps that do not exist are located errors with did-you-mean', async () => {
  const r = await run(`cases:
  - name: typos
    steps: { network/pnig: { stdout: up }, netwrk/ping: { stdout: up } }
    gates: { network/ping: skip }
    path: [network, done]
    outcome: resolved
`);
  const got = r.diagnostics.map((d) => [d.code, d.line, d.col]);
  assert.deepEqual(got, [['unknown-step', 3, 14], ['unknown-step', 3, 44], ['not-destructive', 4, 14]], JSON.stringify(r.diagnostics));
  assert.match(r.diagnostics[0]!.message, /the runbook 'net' called by step 'network' has no step 'pnig' in case 'typos' — did you mean 'ping'\?/);
  assert.match(r.diagnostics[1]!.message, /'netwrk' is not a runbook step in case 'typos' — did you mean 'network'\?/);
  assert.equal(r.cases.length, 0, 'no case ran');
});
