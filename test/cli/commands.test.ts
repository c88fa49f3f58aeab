// The core commands, run as an operator runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { cli, ROOT } from '../helpers/cli.js';
import { VERSION } from '../../src/common/version.js';

test('--version matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
  const r = cli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help on every command shows examples', () => {
  for (const cmd of ['run', 'list', 'show', 'validate', 'graph', 'schema', 'new']) {
    const r = cli([cmd, '--help']);
    assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, /Example/, cmd);
  }
});

test('usage mistakes exit 2 with one line and no stack trace', () => {
  for (const args of [['bogus'], ['run'], ['graph', 'x', '--format', 'png'], ['show', 'no-such-runbook']]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('validate: 2 on a broken runbook with file:line:col, 0 on a clean one', () => {
  const bad = cli(['validate', join(ROOT, 'test/fixtures/invalid/goto-unknown.yaml')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /goto-unknown\.yaml:6:11: error: unknown step 'restat' — did you mean 'restart'\?/);
  const good = cli(['validate', join(ROOT, 'runbooks/examples/hello.yaml')]);
  assert.equal(good.code, 0, good.stdout);
  const json = JSON.parse(cli(['validate', join(ROOT, 'test/fixtures/invalid/unsafe-sql.yaml'), '--json']).stdout) as { errors: number; diagnostics: { code: string; line: number }[] };
  assert.equal(json.errors, 1);
  assert.equal(json.diagnostics[0]!.code, 'unsafe-unmarked');
});

test('schema prints a JSON Schema that a validator compiles', () => {
  const r = cli(['schema']);
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout) as object;
  const validate = new Ajv.default({ strict: false }).compile(schema);
  assert.equal(validate({ name: 'a', title: 'A', steps: [{ id: 'done', end: 'resolved' }] }), true);
});

test('graph draws the compiled machine as mermaid and dot', () => {
  const file = join(ROOT, 'runbooks/examples/hello.yaml');
  const m = cli(['graph', file]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /^flowchart TD/);
  assert.match(m.stdout, /s_greet -->\|"greeting\.stdout contains 'hello'"\| s_done/);
  assert.match(m.stdout, /s_clean\{\{"⚠ clean"\}\}/, 'destructive steps are marked');
  const d = cli(['graph', file, '--format', 'dot']);
  assert.match(d.stdout, /^digraph runbook \{/);
  assert.match(d.stdout, /"greet" -> "__failed" \[style=dashed\]/);
});

test('new writes a skeleton that validates and carries the schema comment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-new-'));
  const r = cli(['new', 'replication-lag', '--dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const file = join(dir, 'replication-lag.yaml');
  assert.match(readFileSync(file, 'utf8'), /^# yaml-language-server: \$schema=\.\/runbook\.schema\.json\n/);
  assert.ok(JSON.parse(readFileSync(join(dir, 'runbook.schema.json'), 'utf8')).properties.steps, 'the schema is written beside it');
  assert.ok(JSON.parse(readFileSync(join(dir, 'runbook-cases.schema.json'), 'utf8')).properties.cases, 'and the cases schema, for its cases file');
  assert.equal(cli(['validate', file]).code, 0);
  assert.equal(cli(['new', 'replication-lag', '--dir', dir]).code, 2, 'refuses to overwrite');
  assert.equal(cli(['new', 'Bad Name', '--dir', dir]).code, 2);
});

test('schema --cases prints the cases schema, the one shipped as docs/runbook-cases.schema.json', () => {
  const r = cli(['schema', '--cases']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(readFileSync(join(ROOT, 'docs', 'runbook-cases.schema.json'), 'utf8')));
  assert.deepEqual(JSON.parse(cli(['schema']).stdout), JSON.parse(readFileSync(join(ROOT, 'docs', 'runbook.schema.json'), 'utf8')));
});

test('the tutorial\'s modelines point at the schema files runbook new writes beside the runbook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-new-'));
  assert.equal(cli(['new', 'pg-disk-full', '--dir', dir]).code, 0);
  const tutorial = readFileSync(join(ROOT, 'docs', 'tutorial.md'), 'utf8');
  const targets = [...tutorial.matchAll(/# yaml-language-server: \$schema=(\S+)/g)].map((m) => m[1]!);
  assert.deepEqual(targets, ['./runbook.schema.json', './runbook-cases.schema.json']);
  for (const target of targets) assert.ok(existsSync(join(dir, target)), `${target} exists beside runbooks/pg-disk-full.yaml`);
});

test('list shows local runbooks and says when one overrides a built-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-list-'));
  writeFileSync(join(dir, 'hello.yaml'), 'name: hello\ntitle: Local hello\nsteps:\n  - id: done\n    end: resolved\n');
  const r = cli(['list', '--json'], { env: { RUNBOOK_PATH: dir } });
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { name: string; source: string; title: string }[];
  const local = rows.find((x) => x.name === 'hello');
  assert.equal(local?.source, 'RUNBOOK_PATH');
  assert.equal(local?.title, 'Local hello');
});

test('run refuses a missing required input with one line naming the flag and env var', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
  const file = join(dir, 'needs.yaml');
  writeFileSync(file, 'name: needs\ntitle: Needs\ninputs:\n  url: { env: DATABASE_URL, required: true }\nsteps:\n  - id: s\n    shell: echo ${{ inputs.url }}\n');
  const r = cli(['run', file, '--plain', '--no-transcript'], { env: { DATABASE_URL: '' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing input 'url': pass --input url=… or set DATABASE_URL/);
  const bad = cli(['run', file, '--plain', '--input', 'nonsense']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--input takes name=value/);
});

test('a runbook refused for its errors lists them first, then its warnings (run, show, graph; its own and its calls\')', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
  const marker = join(dir, 'ran');
  // A warning on line 5 (a skip into resolved), an error below it (an unknown step), a call to a broken runbook.
  writeFileSync(join(dir, 'broken.yaml'), 'not: a runbook\n');
  const own = 'name: w\ntitle: W\nsteps:\n  - id: restart\n    destructive: true\n    shell: touch ' + marker + '\n  - id: done\n    end: resolved\n  - id: odd\n    shell: echo\n    next: nowhere\n';
  const calls = own.replace('    next: nowhere\n', '  - id: call\n    runbook: { name: ./broken.yaml }\n');
  for (const [name, text, first] of [['own', own, /unknown step 'nowhere'/], ['calls', calls, /the called runbook has errors/]] as const) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    for (const args of [['run', file, '--plain', '--yes', '--no-transcript'], ['show', file], ['graph', file]]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      const lines = r.stderr.trim().split('\n').map((l) => l.replace(/^runbook: /, ''));
      const severities = lines.map((l) => / (error|warning): /.exec(l)?.[1]);
      assert.match(lines[0]!, first, `${args.join(' ')}: ${r.stderr}`);
      assert.deepEqual(severities, [...severities].sort(), `${args.join(' ')}: errors, then warnings: ${r.stderr}`);
      assert.ok(severities.includes('warning'), `${args.join(' ')}: the warning is still listed: ${r.stderr}`);
    }
  }
  assert.equal(existsSync(marker), false, 'nothing ran');
});

// A probe of stop 70: show printed no safe_because, and "No destructive steps." for a runbook whose vouched step
// wrote a file, or that called one with a destructive step. It prints the author's reason and says both.
test('show prints a vouched step\'s reason and names vouched steps and calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-show-'));
  try {
    writeFileSync(join(dir, 'child.yaml'), 'name: child\ntitle: Child\nsteps:\n  - id: act\n    destructive: true\n    shell: touch Y\n  - { id: done, end: resolved }\n');
    writeFileSync(join(dir, 'parent.yaml'), `name: parent\ntitle: Parent\nsteps:\n  - id: note\n    destructive: false\n    safe_because: writes the incident note only\n    shell: date > NOTE\n  - id: call\n    runbook: { name: ${JSON.stringify(join(dir, 'child.yaml'))} }\n  - { id: done, end: resolved }\n`);
    const r = cli(['show', join(dir, 'parent.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /not proven a read; the author vouches: writes the incident note only/);
    assert.match(r.stdout, /No destructive steps of its own\.\nVouched for by the author \(not proven, not asked\): note\nCalls other runbooks \(their destructive steps ask when they run\): call/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
