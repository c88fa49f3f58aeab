// A secret input's default never leaves through the commands that read a runbook without running it: show,
// graph (both formats), schema, validate (text and JSON, including a schema error inside the secret input),
// list, and --help.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-secret-default-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = `Dflt-${Math.random().toString(36).slice(2, 10)}`;

const runbook = (extra = '') => `name: secret-default
title: A runbook whose secret has a default
inputs:
  token: { secret: true, default: "${SECRET}", description: an API token${extra} }
  url: { secret: true, type: url, default: "postgres://app:${SECRET}@127.0.0.1:1/db" }
  plain: { default: visible-default }
steps:
  - id: use
    title: Use the token
    shell: echo \${{ inputs.token }} >/dev/null
  - { id: done, end: resolved }
`;

test('show, graph, schema, validate and --help never print a secret input\'s default', () => {
  const file = join(dir, 'secret-default.yaml');
  writeFileSync(file, runbook());
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, runbook(', pattern: 5, required: "yes"'));
  const runs = [
    ['show', file], ['graph', file], ['graph', file, '--format', 'dot'], ['schema'], ['validate', file], ['validate', file, '--json'],
    ['validate', broken], ['validate', broken, '--json'], ['run', file, '--help'], ['show', '--help'], ['--help'],
    ['run', broken, '--plain', '--no-transcript'],
  ];
  for (const args of runs) {
    const r = cli(args, { cwd: dir });
    assert.ok(!(r.stdout + r.stderr).includes(SECRET), `runbook ${args.join(' ')} printed the secret default:\n${r.stdout}${r.stderr}`);
  }
  const shown = cli(['show', file], { cwd: dir }).stdout;
  assert.match(shown, /token +\(optional, secret, has a default\)/);
  assert.match(shown, /default visible-default/, 'a plain default is still shown');
  const invalid = cli(['validate', broken], { cwd: dir });
  assert.notEqual(invalid.code, 0, 'the broken runbook is reported');
});
