// A target's destination, port, config, pod, namespace, context and container are arguments of the ssh, kubectl
// or docker client: any local user reads them in /proc/<pid>/cmdline while the step runs. `validate` refuses a
// target field that reads a secret (a secret input, a secret step by id or capture) in every field of every kind;
// a value that holds a secret only at run time (computed through vars) stops the step before the client starts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });

const FIELDS: [string, string][] = [
  ['ssh', 'ssh: "${{ READ }}"'],
  ['ssh/destination', 'ssh: { destination: "${{ READ }}" }'],
  ['ssh/port', 'ssh: { destination: db-1, port: "${{ READ }}" }'],
  ['ssh/config', 'ssh: { destination: db-1, config: "/etc/${{ READ }}" }'],
  ['kubectl/pod', 'kubectl: { pod: "${{ READ }}" }'],
  ['kubectl/namespace', 'kubectl: { pod: db-0, namespace: "${{ READ }}" }'],
  ['kubectl/context', 'kubectl: { pod: db-0, context: "${{ READ }}" }'],
  ['kubectl/container', 'kubectl: { pod: db-0, container: "${{ READ }}" }'],
  ['docker/container', 'docker: { container: "${{ READ }}" }'],
];
const READS = ['inputs.token', 'upper(inputs.token)', 'fetched.output', 'steps.fetch.output'];

function runbook(target: string): string {
  return `name: argv
title: t
inputs:
  token: { secret: true }
  host: { }
targets:
  there: { ${target} }
steps:
  - id: fetch
    secret: true
    shell: cat /dev/null
    capture: fetched
  - id: remote
    target: there
    shell: "true"
  - { id: done, end: resolved }
`;
}

test('validation refuses every target field that reads a secret, and accepts a plain input there', async () => {
  for (const [field, template] of FIELDS) {
    for (const read of READS) {
      const { diagnostics } = parseRunbook(runbook(template.replace('READ', read)), 'argv.yaml');
      const found = diagnostics.filter((d) => d.code === 'secret-on-argv');
      assert.equal(found.length, 1, `${field} from ${read}: ${diagnostics.map((d) => d.message).join('; ')}`);
      assert.match(found[0]!.message, /target 'there' takes this field from/);
    }
    const { diagnostics } = parseRunbook(runbook(template.replace('READ', 'inputs.host')), 'argv.yaml');
    assert.ok(!diagnostics.some((d) => d.code === 'secret-on-argv'), `${field} from a plain input`);
  }
  // And through the CLI, located.
  const file = writeRunbook(dir, 'argv', runbook(FIELDS[1]![1].replace('READ', 'inputs.token')));
  const r = await cli(['validate', file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /argv\.yaml:7:\d+: error: target 'there' takes this field from the secret input 'token'.*\[secret-on-argv\]/);
});

test('a target value computed from a secret at run time stops the step before any client runs', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const file = writeRunbook(dir, 'argv-vars', `name: argv-vars
title: t
inputs:
  token: { secret: true }
targets:
  there: { docker: { container: "\${{ vars.name }}" } }
steps:
  - id: name
    vars: { name: "'app-' + inputs.token" }
  - id: remote
    target: there
    shell: "true"
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'argv-vars.jsonl');
  const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', 'token=ArgvSecret-93']);
  assert.notEqual(r.code, 0);
  const failed = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'remote') as unknown as { result: { error: string } };
  assert.match(failed.result.error, /gives a secret, and target fields are on the docker command line/);
  assert.ok(!(r.stdout + r.stderr).includes('ArgvSecret-93'));
  assert.ok(!transcriptLines(transcript).some((l) => l.type === 'step-process' && l.stepId === 'remote'), 'no process was started');
});

// A probe of stop 78: two characters of a secret, through a vars value, are no value the redactor knows, so the
// check by value let `ssh zq48@127.0.0.1` run: on ssh's command line, the screen's "on" line and the record. The
// fields are now checked by flow. Generated secrets (fixed seed), every field kind; nothing starts, nothing shows.
test('a target field a piece of a secret flowed into stops the step before any client runs: generated, seed 78', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  let seed = 78;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const kinds: [string, (piece: string) => string][] = [
    ['ssh: { destination: "zq${{ vars.p }}@127.0.0.1", port: 1 }', (p) => `zq${p}@`],
    ['ssh: { destination: "127.0.0.1", port: "${{ vars.n }}" }', (_, n) => `(port ${n})`],
    ['kubectl: { pod: "zq${{ vars.p }}" }', (p) => `zq${p}`],
    ['docker: { container: "zq${{ vars.p }}" }', (p) => `zq${p}`],
  ] as [string, (piece: string, n?: number) => string][];
  for (const [target, shown] of kinds) {
    for (let k = 0; k < 2; k++) {
      const pin = String(1000 + Math.floor(next() * 9000));
      const i = Math.floor(next() * 3);
      const piece = pin.slice(i, i + 2);
      const file = writeRunbook(dir, `piece-${k}`, `name: piece
title: t
inputs:
  pin: { secret: true }
targets:
  there: { ${target} }
steps:
  - id: v
    vars: { p: "split(inputs.pin, '')[${i}] + split(inputs.pin, '')[${i + 1}]", n: "number(split(inputs.pin, '')[${i}] + split(inputs.pin, '')[${i + 1}])" }
  - id: remote
    target: there
    shell: "true"
  - { id: done, end: resolved }
`);
      const transcript = join(dir, `piece-${k}.jsonl`);
      const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', `pin=${pin}`]);
      assert.notEqual(r.code, 0, r.stdout);
      const form = (shown as (p: string, n?: number) => string)(piece, Number(piece));
      const recorded = transcriptLines(transcript);
      assert.ok(!(r.stdout + r.stderr).includes(form), `${target} (pin ${pin}): ${form} on the screen:\n${r.stdout}`);
      assert.ok(!JSON.stringify(recorded).includes(form), `${target} (pin ${pin}): ${form} in the record`);
      const failed = recorded.find((l) => l.type === 'step-finished' && l.stepId === 'remote') as unknown as { result: { error: string } };
      assert.match(failed.result.error, /gives a secret, and target fields are on the (ssh|kubectl|docker) command line/);
      assert.ok(!recorded.some((l) => l.type === 'step-process' && l.stepId === 'remote'), 'no process was started');
    }
  }
});
