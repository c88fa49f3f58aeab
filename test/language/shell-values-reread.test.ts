// A proven step is read again with the values it runs with (issue #44), found by a hostile author's probe: the
// run-time check looked only at words that begin with a value, and honoured any literal `--` before it. So
// `[ -"${{ op }}" "${{ path }}" ]` with op = v ran a path's `$(…)` (test -v evaluates a subscript), `test -- -a`
// too (test has no `--`), and `env -- systemctl status "${{ unit }}"` with unit = -H… started ssh (the `--` was
// env's). Now the plan's text with the values written in as literal words must be proven by the same tables.
// Also from the probe: a literal subscript naming a variable (`[ -v 'x[RUNBOOK_V1]' ]` evaluates the value's code),
// `wait -fp PATH` (PATH unset, then ./rg ran), journalctl's optional -n value hiding `--update-c`, getent -s
// loading a library, df --sync from a value (df's listed options all read; the re-read refuses the unlisted one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOfTemplate } from '../../src/language/shell-plan.js';
import { planText, singleQuoted } from '../../src/language/shell-plan-text.js';
import { provenWithValues, shellFindings } from '../../src/language/validate/shell-lint.js';
import { cli } from '../helpers/cli.js';

const proven = (script: string) => { const plan = planOfTemplate(script); return plan !== undefined && shellFindings(script).first === undefined ? plan : undefined; };

/** [the step as written, hostile values, harmless values] */
const VALUE_CASES: [string, string[], string[]][] = [
  ['[ -"${{ inputs.op }}" "${{ inputs.path }}" ] && echo yes || echo no', ['v', 'x[$(touch M)]'], ['n', 'abc']],
  ['test -- -a "${{ inputs.a }}" "${{ inputs.b }}" && echo set || echo unset', ['-v', 'x[$(touch M)]'], ['x', 'y']],
  ['env -- systemctl status --no-pager "${{ inputs.unit }}"', ['-H127.0.0.1'], ['postgresql']],
  ['systemctl status -p -- "${{ inputs.unit }}"', ['-H127.0.0.1'], ['postgresql']],
  ['grep -c -- "${{ inputs.v }}" /etc/hostname', [], ['-x']],
  ['env -- df "${{ inputs.v }}"', ['--sync'], ['/']],
];

test('a proven template stays proven only with values that keep it a read', () => {
  for (const [script, hostile, harmless] of VALUE_CASES) {
    const plan = proven(script);
    assert.ok(plan, `proven as written: ${script}`);
    if (hostile.length) assert.equal(provenWithValues(plan, hostile), false, `${script} with ${hostile.join(', ')}`);
    assert.equal(provenWithValues(plan, harmless), true, `${script} with ${harmless.join(', ')}`);
  }
});

test('the test -v case is real in bash: the values written in run the code', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-values-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = proven(VALUE_CASES[0]![0])!;
  spawnSync('bash', ['-c', planText(plan, (n) => singleQuoted(VALUE_CASES[0]![1][n - 1]!))], { cwd: dir, stdio: 'ignore' });
  assert.ok(existsSync(join(dir, 'M')), 'bash ran the value\'s code');
});

test('names bash evaluates: a subscript other than a number, and wait\'s -p in any cluster, are not proven', () => {
  for (const s of ["[ -v 'x[RUNBOOK_V1]' ]", "printf -v 'y[RUNBOOK_V1]' %s z", "read 'w[RUNBOOK_V1]' < /etc/hostname", "test -v 'a[i+1]'",
    'wait -fp PATH', 'wait -np PATH', 'wait -fpPATH', 'wait -p PATH']) {
    assert.ok(shellFindings(s).first, `not proven: ${s}`);
  }
  for (const s of ["[ -v 'x[0]' ]", "[ -v 'x' ]", 'wait']) assert.equal(shellFindings(s).first, undefined, `proven: ${s}`);
});

// Probes of stop 68: lsof reads `+` words as options (`+M` asked the portmapper over TCP, dry and real), and
// getent's hosts databases send the key to the DNS resolver (a secret in it left the machine in a query).
test('lsof: a `+` word is an option, none reviewed; getent: only databases read from local files', () => {
  for (const s of ['lsof +M -n -P -i UDP', 'lsof -i +D /tmp', 'lsof -n -- +M', 'lsof -i "${{ inputs.x }}"', "printf '%s\\n' -i +M | xargs lsof -n -P",
    // a probe of stop 69: xargs hands lsof words from its input, `+M` among them 'getent hosts db.internal', 'getent -- hosts x.example',
    'getent ahosts x', 'getent ahostsv4 x', 'getent networks x', 'getent -i hosts x', 'getent "${{ inputs.db }}" x']) assert.ok(shellFindings(s).first, `not proven: ${s}`);
  for (const s of ['lsof -n -P -i TCP', 'getent passwd root', 'getent group', 'getent -- services 5432', 'getent --no-idn protocols tcp']) {
    assert.equal(shellFindings(s).first, undefined, `proven: ${s}`);
  }
});

test('journalctl -n takes the next word only when it is a number; getent -s and df --sync are not reviewed', () => {
  for (const s of ['journalctl -n --root=/tmp/x -n --update-c', 'journalctl --lines --rot', 'journalctl -n --setup', 'getent -s x/../evil passwd root',
    'getent --service=files passwd root', 'df --sync']) assert.ok(shellFindings(s).first, `not proven: ${s}`);
  for (const s of ['journalctl -n 5 -u pg --no-pager', 'journalctl --lines 20', 'journalctl -fn 5', 'journalctl -n20', 'journalctl --lines=all', 'getent passwd root', 'df -h /']) {
    assert.equal(shellFindings(s).first, undefined, `proven: ${s}`);
  }
});

test('through the CLI: the test -v step with a hostile value fails before it runs, and runs with a harmless one', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-values-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yaml');
  writeFileSync(file, ['name: values', 'title: Values', 'inputs:', '  op: { required: true, description: an operator }', '  path: { required: true, description: a path }',
    'steps:', '  - id: look', `    shell: ${JSON.stringify(VALUE_CASES[0]![0])}`, '  - id: done', '    end: resolved', ''].join('\n'));
  assert.equal(cli(['validate', file]).code, 0);
  const hostile = cli(['run', file, '--plain', '-i', 'op=v', '-i', `path=x[$(touch ${join(dir, 'M')})]`], { cwd: dir });
  assert.notEqual(hostile.code, 0, hostile.stderr);
  assert.match(hostile.stdout + hostile.stderr, /not proven to read: with the values it was given/);
  assert.equal(existsSync(join(dir, 'M')), false, 'the value\'s code did not run');
  const harmless = cli(['run', file, '--plain', '-i', 'op=n', '-i', 'path=abc'], { cwd: dir });
  assert.equal(harmless.code, 0, harmless.stderr);
});

// Probes of stop 69 (round 4): traceroute -M tcpconn connected to a listening service and -U sent one a datagram
// (the dry run's too); procps top -b created ~/.config/procps as it started. None of them is a proven read.
test('traceroute, tracepath and top are not proven reads', () => {
  for (const s of ['traceroute -n -M tcpconn -p 5599 -q 1 -m 1 127.0.0.1', 'traceroute -n -U -p 5598 127.0.0.1', 'traceroute 127.0.0.1',
    'tracepath -n -p 5599 127.0.0.1', 'top -b -n 1', 'top -bn1']) {
    assert.ok(shellFindings(s).first, `not proven: ${s}`);
  }
});
