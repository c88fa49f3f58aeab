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
