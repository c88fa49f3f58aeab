// A step's `env:` names (issue #19): on a target they are script text of the wrapper there (`export NAME=…`),
// so a key like `X=1; touch /tmp/x; Y` ran as a command in a step that needed no confirmation. Validate refuses
// anything but a shell name, and the engine's and bash's own names, located at the key, for local and remote
// steps and for a wait's shell; `run` refuses the runbook before anything runs; and the engine refuses them
// again where they would become script text or environment (a caller that skipped validation).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { prepareShell } from '../../src/engine/prepare.js';
import { remoteWrapper } from '../../src/executors/remote-wrapper.js';
import type { RunbookDoc } from '../../src/language/schema.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const runbook = (env: string, flag = '/tmp/unused') => `name: t
title: T
targets:
  db_host: { ssh: db-1.internal }
steps:
  - id: here
    destructive: false
    safe_because: only echoes
    shell: { run: "echo here", env: ${env} }
  - id: there
    destructive: false
    safe_because: only echoes
    target: db_host
    shell: { run: "echo there", env: ${env} }
  - id: poll
    destructive: false
    safe_because: only echoes
    wait: { shell: { run: "echo ${flag}", env: ${env} }, until: "result.ok" }
  - id: done
    end: resolved
`;

const errors = (text: string) => (parseRunbook(text, 't.yaml').diagnostics ?? []).filter((d) => d.severity === 'error');

describe('env names', { concurrency: true }, () => {
  for (const [name, why] of [
    ['X=1; touch /tmp/pwned; Y', /is not an environment variable name: use letters, digits and _, starting with a letter or _/],
    ['1ABC', /is not an environment variable name/],
    ['A-B', /is not an environment variable name/],
    ['', /is not an environment variable name/],
    ['RUNBOOK_V1', /is the engine's own variable/],
    ['__runbook_step', /is the engine's own variable/],
    ['UID', /is set by bash itself/],
    ['SHELLOPTS', /is set by bash itself/],
  ] as const) {
    it(`'${name}': a located error on the key, for a local step, a remote step and a wait's shell`, () => {
      const found = errors(runbook(`{ ${JSON.stringify(name)}: v }`));
      assert.deepEqual(found.map((d) => [d.code, d.line, d.col]), [['bad-name', 9, 39], ['bad-name', 14, 40], ['bad-name', 18, 54]], JSON.stringify(found));
      for (const d of found) assert.match(d.message, why);
      for (const d of found) assert.ok(d.message.includes(`env '${name}'`), d.message);
    });
  }

  it('a bad name hides nothing else: the checks after the shape still run (an on key), and other shape errors are reported beside it', () => {
    const all = (text: string) => parseRunbook(text, 't.yaml').diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line, d.col]);
    const later = runbook('{ "1ABC": v }').replace('    shell: { run: "echo here"', '    on: { "${{ inputs.x }}": done }\n    shell: { run: "echo here"');
    assert.deepEqual(all(later), [['template-in-key', 9, 11], ['bad-name', 10, 39], ['bad-name', 15, 40], ['bad-name', 19, 54]]);
    const shape = runbook('{ "1ABC": v }').replace('    safe_because: only echoes\n    shell: { run: "echo here"', '    safe_because: only echoes\n    colour: red\n    shell: { run: "echo here"');
    assert.deepEqual(all(shape), [['unknown-key', 9, 5], ['bad-name', 10, 39], ['bad-name', 15, 40], ['bad-name', 19, 54]]);
    // A ${{ }} in the name is one error at the key, the one that says keys are never templates.
    const templated = all(runbook('{ "${{ inputs.x }}": v }'));
    assert.deepEqual(templated, [['template-in-key', 9, 39], ['template-in-key', 14, 40], ['template-in-key', 18, 54]]);
  });

  it('plain names pass, whatever their case', () => {
    assert.deepEqual(errors(runbook('{ PGCONNECT_TIMEOUT: "5", _x: y, lower_case9: z }')), []);
  });

  it('run refuses the runbook before any step runs, here or there', async (t) => {
    const dir = scratch(t);
    const flag = join(dir, 'pwned');
    const file = writeRunbook(dir, 'bad', runbook(`{ "X=1; touch ${flag}; Y": v }`, flag));
    const r = await cli(['run', file, '--plain', '--no-transcript']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /is not an environment variable name/);
    assert.equal(existsSync(flag), false);
  });

  it('the engine refuses them again: preparing the step, and building the wrapper that runs it on a target', () => {
    const doc = { name: 't', title: 'T', steps: [] } as unknown as RunbookDoc;
    for (const name of ['X=1; touch /tmp/pwned; Y', 'RUNBOOK_V2']) {
      assert.throws(() => prepareShell(doc, { run: 'echo hi', env: { [name]: 'v' } }, { inputs: {}, steps: {} } as never), /env '.*' is/);
      assert.throws(() => remoteWrapper({ script: 'echo hi', values: 0, envNames: [name], cwd: false, handshake: 'h' }), /env '.*' is/);
    }
    assert.match(remoteWrapper({ script: 'echo hi', values: 0, envNames: ['OK_NAME'], cwd: false, handshake: 'h' }), /export OK_NAME="\$\{__runbook_e1\}"/);
  });
});
