// A secret named a step's directory (a probe of stop 72): `cwd: ${{ inputs.tok }}` put it on bwrap's command line
// (the shield's and the dry-run sandbox's --chdir, readable in /proc by any local user) and in the header's list of
// client files; a secret KUBECONFIG path in a step's env: was in that list too. validate now refuses a cwd: that
// reads a secret (the run, one that holds a secret by taint), and a path filled in from a secret input is never
// written into the record.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const SECRET = 'HUNTER2SECRETDIR';

describe('a secret as a step\'s directory or a client file\'s path', () => {
  it('cwd: reading a secret input: validate names it, and the run refuses before any step runs', async (t) => {
    const dir = scratch(t);
    mkdirSync(join(dir, SECRET));
    for (const [name, cwd] of [['direct', '${{ inputs.tok }}'], ['joined', `${dir}/\${{ inputs.tok }}`]] as const) {
      const file = writeRunbook(dir, name, [`name: ${name}`, 'title: t', 'inputs:', `  tok: { secret: true, default: ${JSON.stringify(join(dir, SECRET))} }`,
        'steps:', '  - id: look', '    shell: { run: "sleep 1", cwd: ' + JSON.stringify(cwd) + ' }', '    next: done', '  - { id: done, end: resolved }', ''].join('\n'));
      const v = await cli(['validate', file]);
      const transcript = join(dir, `${name}.jsonl`);
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript]);
      const said = v.stdout + v.stderr + r.stdout + r.stderr;
      assert.match(said, /secret/, `${name}: ${said}`);
      assert.notEqual(r.code, 0, `${name}: the run went on: ${said}`);
      const recorded = existsSync(transcript) ? readFileSync(transcript, 'utf8') : ''; // refused before a record is made
      assert.doesNotMatch(said + recorded, new RegExp(SECRET), `${name}: the secret was shown or recorded`);
      assert.match(v.stdout + v.stderr, /secret-in-directory/, `${name}: ${v.stdout}${v.stderr}`);
    }
  });

  it('a gated step\'s env: KUBECONFIG from a secret input: the header does not hold the path', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'kube', ['name: kube', 'title: t', 'inputs:', `  tok: { secret: true, default: ${JSON.stringify(join(dir, 'HUNTER2KUBEPATHSECRET'))} }`,
      'steps:', '  - id: act', '    destructive: true', '    shell: { run: "true", env: { KUBECONFIG: "${{ inputs.tok }}" } }', '    next: done', '  - { id: done, end: resolved }', ''].join('\n'));
    const transcript = join(dir, 'kube.jsonl');
    const r = await cli(['run', file, '--plain', '--approve', 'act', '--transcript', transcript]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(readFileSync(transcript, 'utf8'), /HUNTER2KUBEPATHSECRET/);
  });
});
