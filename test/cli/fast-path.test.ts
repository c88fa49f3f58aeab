// The launcher answers `--version`, `list`, and `validate` (built-ins from dist/prevalidated.json, local runbooks
// with dist/validator.cjs, issue #32) from dist/fast.cjs (CommonJS, no ES module loader, V8 code caches);
// anything else (a cases file, another command) is handed to the full CLI having printed nothing. Either way the
// operator sees exactly what the full CLI prints, with the same exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli.js';

const FAST = join(ROOT, 'dist', 'fast.cjs');
const built = existsSync(FAST);
const fromSource = { env: { RUNBOOK_FROM_SOURCE: '1' } };

/** fastMain in a fresh process: whether it answered, and what it printed. */
function fastMain(args: string[]): { answered: string; stdout: string; stderr: string } {
  const script = `require(${JSON.stringify(FAST)}).fastMain(['node', 'runbook', ...process.argv.slice(1)])`
    + '.then((r) => { process.exitCode = r ? 0 : 99; })';
  const r = spawnSync(process.execPath, ['-e', script, '--', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { answered: r.status === 99 ? 'handed over' : 'answered', stdout: r.stdout, stderr: r.stderr };
}

function localCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-fast-'));
  copyFileSync(join(ROOT, 'runbooks', 'auth.yaml'), join(dir, 'auth.yaml'));
  appendFileSync(join(dir, 'auth.yaml'), '# a local edit\n');
  return join(dir, 'auth.yaml');
}

/** A local runbook with mistakes, and a cases file beside a runbook. */
function mistakes(): { runbook: string; cases: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-fast-'));
  writeFileSync(join(dir, 'm.yaml'), 'name: m\ntitle: M\nsteps:\n  - id: a\n    shel: echo ${{ inputs.x }}\n    next: b\n');
  writeFileSync(join(dir, 'c.yaml'), 'name: c\ntitle: C\nsteps:\n  - id: a\n    shell: echo a\n  - id: done\n    end: resolved\n    message: ok\n');
  writeFileSync(join(dir, 'c.cases.yaml'), 'cases:\n  - { name: x, path: [a, done], outcome: resolved }\n');
  return { runbook: join(dir, 'm.yaml'), cases: join(dir, 'c.cases.yaml') };
}

test('built-ins and local runbooks are answered on the fast path; a cases file is handed over with nothing printed', { skip: !built && 'dist/ not built' }, () => {
  const m = mistakes();
  for (const args of [['--version'], ['list'], ['list', '--json'], ['validate'], ['validate', 'runbooks/auth.yaml', '--json'],
    ['validate', localCopy()], ['validate', 'runbooks/auth.yaml', localCopy()], ['validate', m.runbook]]) {
    const r = fastMain(args);
    assert.equal(r.answered, 'answered', `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, args.join(' '));
  }
  for (const args of [['validate', m.cases], ['show', 'auth'], ['--help']]) {
    const r = fastMain(args);
    assert.deepEqual([r.answered, r.stdout, r.stderr], ['handed over', '', ''], args.join(' '));
  }
});

test('fast or handed over, the output and exit code are the full CLI\'s', { skip: !built && 'dist/ not built' }, () => {
  const local = localCopy();
  const cases = [['--version'], ['-V'], ['list', '--help'], ['validate', '--help'], ['list', '--bogus'], ['validate', '/no/such/file.yaml'],
    ['validate', local], ['validate', 'runbooks/', local, '--json'], ['list', 'extra'], ['validate', mistakes().runbook], ['validate', mistakes().cases]];
  for (const args of cases) {
    const launched = cli(args, { cwd: ROOT });
    const source = cli(args, { cwd: ROOT, ...fromSource });
    assert.deepEqual([launched.code, launched.stdout, launched.stderr], [source.code, source.stdout, source.stderr], args.join(' '));
  }
});

test('V8 takes the code caches the build made for the fast path and the validator (a rejected one would silently cost the compile)', { skip: !built && 'dist/ not built' }, () => {
  for (const name of ['fast.cjs', 'validator.cjs']) {
    const file = join(ROOT, 'dist', name);
    const script = "const { Script } = require('node:vm'); const Module = require('node:module'); const fs = require('node:fs');"
      + `const s = new Script(Module.wrap(fs.readFileSync(${JSON.stringify(file)}, 'utf8')), { filename: ${JSON.stringify(file)}, cachedData: fs.readFileSync(${JSON.stringify(`${file}.cache`)}) });`
      + 'process.stdout.write(String(s.cachedDataRejected));';
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.stdout, 'false', `${name}: ${r.stderr}`);
  }
});
