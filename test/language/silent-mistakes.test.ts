// Issue #32: mistakes that went wrong silently or late are located errors (validate exit 2, file:line:col, a fix
// and did-you-mean where one applies), through the built CLI as an author meets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import Ajv from 'ajv';
import { publishedSchema } from '../../src/language/json-schema.js';
import { cli } from '../helpers/cli.js';

type T = { after(fn: () => void): void };
function folder(t: T): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-mistakes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** validate on one file written in a fresh folder, run from that folder (paths print relative to it). */
function validate(t: T, text: string, name = 'rb.yaml'): { code: number | null; out: string; dir: string } {
  const dir = folder(t);
  writeFileSync(join(dir, name), text);
  const r = cli(['validate', name], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  return { code: r.code, out: r.stdout + r.stderr, dir };
}

const head = 'name: t\ntitle: T\n';

test('if: on an end step is a guard: the run ends there only when it holds, and the schema says so', (t) => {
  const text = `${head}inputs:\n  threshold: { type: number, default: 50 }\nsteps:
  - id: too-high
    if: inputs.threshold > 100
    end: failed
    message: threshold \${{ inputs.threshold }} is over 100
  - id: work
    shell: echo working
  - id: done
    end: resolved
    message: worked
`;
  const v = validate(t, text);
  assert.equal(v.code, 0, v.out);
  assert.match(v.out, /0 errors, 0 warnings/);
  const low = cli(['run', join(v.dir, 'rb.yaml'), '--plain', '--no-transcript']);
  assert.equal(low.code, 0, low.stdout + low.stderr);
  assert.match(low.stdout, /skipped +too-high \(its condition is false\)/);
  assert.match(low.stdout, /finished resolved .*worked/);
  const high = cli(['run', join(v.dir, 'rb.yaml'), '--plain', '--no-transcript', '--input', 'threshold=200']);
  assert.equal(high.code, 1, high.stdout + high.stderr);
  assert.match(high.stdout, /finished failed .*threshold 200 is over 100/);
  assert.doesNotMatch(high.stdout, /working/);
  // runbook graph draws it as an end with its way on.
  const graph = cli(['graph', join(v.dir, 'rb.yaml')]);
  assert.match(graph.stdout, /s_too_hhigh\(\["too-high"\]\)/);
  assert.match(graph.stdout, /s_too_hhigh -->\|"not \(inputs\.threshold #62; 100\)"\| s_work/);
  // runbook test counts the guard's way on as a route, and both cases pass.
  writeFileSync(join(v.dir, 'rb.cases.yaml'), `cases:
  - { name: low, path: [too-high, work, done], outcome: resolved }
  - { name: high, inputs: { threshold: 200 }, path: [too-high], outcome: failed, message: over 100 }
`);
  const tested = cli(['test', join(v.dir, 'rb.yaml'), '--require-full-coverage']);
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /coverage: 2\/2 routes \(100%\)/);
  // The published schema accepts it too, and its description says what it does.
  const ajv = new Ajv.default({ allErrors: true, strict: false }).compile(publishedSchema());
  assert.ok(ajv(load(text)), JSON.stringify(ajv.errors));
  assert.match(JSON.stringify(publishedSchema()), /On an end step: end only when it holds, else go on to the following step/);
});

test("a backslash that is not a string escape is an error at its column; '\\\\d' is the pattern \\d, and matches", (t) => {
  const text = (pattern: string) => `${head}steps:
  - id: count
    shell: echo 123
    capture: c
    next:
      - if: c.output matches '${pattern}'
        goto: number
  - id: other
    end: escalate
    message: not a number
  - id: number
    end: resolved
    message: a number
`;
  const bad = validate(t, text('^\\d+$'));
  assert.equal(bad.code, 2, bad.out);
  assert.match(bad.out, /^rb\.yaml:8:32: error: expression does not parse: unknown escape '\\d' in a string .*write it twice: '\\\\d' \[expression\]$/m);
  const good = validate(t, text('^\\\\d+$'));
  assert.equal(good.code, 0, good.out);
  const run = cli(['run', join(good.dir, 'rb.yaml'), '--plain', '--no-transcript']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /branch +count → number/);
  // The editor's schema marks the same field.
  const ajv = new Ajv.default({ allErrors: true, strict: false }).compile(publishedSchema());
  assert.equal(ajv(load(text('^\\d+$'))), false);
  assert.match(JSON.stringify(ajv.errors), /next\/0\/if.*pattern/);
  assert.equal(ajv(load(text('^\\\\d+$'))), true, JSON.stringify(ajv.errors));
});

test('a literal of the wrong type for a called runbook\'s typed input is an error at the value', (t) => {
  const dir = folder(t);
  writeFileSync(join(dir, 'callee.yaml'), `name: callee\ntitle: C\ninputs:\n  limit: { type: number, required: true }\n  force: { type: boolean, default: false }\n  mode: { pattern: '^(fast|slow)$', default: fast }\nsteps:\n  - id: done\n    end: resolved\n    message: ok\n`);
  writeFileSync(join(dir, 'caller.yaml'), `${head}steps:
  - id: first
    shell: echo first
  - id: call
    runbook:
      name: callee
      inputs: { limit: ten, force: maybe, mode: quick }
  - id: call-ok
    runbook:
      name: callee
      inputs: { limit: 10, force: "yes", mode: "\${{ 'fast' }}" }
  - id: done
    end: resolved
    message: ok
`);
  const r = cli(['validate', 'caller.yaml'], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  assert.equal(r.code, 2, r.stdout);
  const lines = r.stdout.split('\n').filter((l) => l.includes('[input-type]'));
  assert.equal(lines.length, 3, r.stdout);
  assert.match(lines[0]!, /^caller\.yaml:9:24: error: input 'limit' of the called runbook 'callee' must be a number, got "ten"/);
  assert.match(lines[1]!, /^caller\.yaml:9:36: error: input 'force' of the called runbook 'callee' must be true or false, got "maybe"/);
  assert.match(lines[2]!, /^caller\.yaml:9:49: error: input 'mode' of the called runbook 'callee' does not match/);
  // run refuses before the first step runs.
  const run = cli(['run', join(dir, 'caller.yaml'), '--plain', '--no-transcript']);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /first/);
});

test('for_each over one row, a number, text or a boolean is an error at in:, with the fix', (t) => {
  const cases: [string, RegExp][] = [
    ['a.rows[0]', /is one row \(a\.rows\[0\]\), never a list: loop over the rows themselves/],
    ['steps.a.rows[1]', /is one row/],
    ["find(a.rows, 'id', 1)", /is one row \(find\(a\.rows, 'id', 1\)\)/],
    ["top(a.rows, 'n')", /is one row/],
    ['length(a.rows)', /is a number \(length\(a\.rows\)\), never a list/],
    ['a.rowCount * 2', /is a number/],
    ["join(a.rows, ',')", /is text .*split it/],
    ['a.rowCount > 1', /is a boolean/],
  ];
  for (const [expr, words] of cases) {
    const v = validate(t, `${head}steps:\n  - id: a\n    sql: { connection: db, query: SELECT 1 AS id }\n    capture: a\n  - id: each\n    for_each: { in: "${expr}" }\n    shell: echo \${{ item }}\n  - id: done\n    end: resolved\n    message: ok\nconnections:\n  db: { url: postgres://u@127.0.0.1:1/d }\n`);
    assert.equal(v.code, 2, `${expr}: ${v.out}`);
    const line = v.out.split('\n').find((l) => l.includes('[loop-not-a-list]'));
    assert.match(line ?? '', /^rb\.yaml:8:21: error: for_each\.in of step 'each' /, `${expr}: ${v.out}`);
    assert.match(line!, words, expr);
  }
  for (const fine of ['a.rows', 'lines(a.output)', 'vars.list', '[1, 2]']) {
    const v = validate(t, `${head}steps:\n  - id: a\n    shell: echo 1\n    capture: a\n  - id: v\n    vars: { list: "[1]" }\n  - id: each\n    for_each: { in: "${fine}" }\n    shell: echo \${{ item }}\n  - id: done\n    end: resolved\n    message: ok\n`);
    assert.doesNotMatch(v.out, /loop-not-a-list/, fine);
  }
});

test('--approve with an id that is no step stops before anything runs, with did-you-mean', (t) => {
  const dir = folder(t);
  const marker = join(dir, 'ran');
  writeFileSync(join(dir, 'rb.yaml'), `${head}steps:
  - id: first
    shell: touch ${marker}
    destructive: false
    safe_because: writes the test's marker file
  - id: restart-app
    destructive: true
    shell: echo restarting
    on: { skipped: left }
  - id: done
    end: resolved
    message: ok
  - id: left
    end: escalate
    message: left alone
`);
  const r = cli(['run', join(dir, 'rb.yaml'), '--plain', '--approve', 'restart-ap', '--transcript', join(dir, 't.jsonl')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--approve restart-ap: runbook 't' has no step 'restart-ap' — did you mean 'restart-app'\? \(its destructive steps: restart-app\)/);
  assert.ok(!existsSync(marker), 'no step ran');
  assert.ok(!existsSync(join(dir, 't.jsonl')), 'no run started');
  const ok = cli(['run', join(dir, 'rb.yaml'), '--plain', '--approve', 'restart-app', '--no-transcript']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
});

test('a capture no path sets before the read is an error; maybe-unset is not raised by a route no result takes', (t) => {
  const never = validate(t, `${head}steps:
  - id: report
    shell: echo \${{ later.output }}
  - id: collect
    shell: echo data
    capture: later
  - id: done
    end: resolved
    message: ok
`);
  assert.equal(never.code, 2, never.out);
  assert.match(never.out, /^rb\.yaml:5:12: error: 'later' is never set here: no path to step 'report' goes through 'collect'.*\[never-set\]$/m);
  // probe routes every result with on:, so its fall-through to report cannot happen (runbook test calls that
  // route one no run can take): report is reached only through collect, which sets data.
  const impossible = `${head}steps:
  - id: probe
    shell: echo x
    on: { ok: collect, error: stop }
  - id: report
    shell: echo \${{ data.output }}
    next: done
  - id: collect
    shell: echo data
    capture: data
    next: report
  - id: stop
    end: escalate
    message: x
  - id: done
    end: resolved
    message: ok
`;
  const v = validate(t, impossible);
  assert.equal(v.code, 0, v.out);
  assert.match(v.out, /0 errors, 0 warnings/);
  // With a route that can happen (ok falls through to report), the warning is there.
  const possible = validate(t, impossible.replace('on: { ok: collect, error: stop }', 'on: { error: stop }\n    next: [{ if: "1 > 2", goto: collect }]'));
  assert.match(possible.out, /rb\.yaml:9:12: warning: 'data' may not be set here.*\[maybe-unset\]/);
});

test('the skeleton of runbook new validates with no warning', (t) => {
  const dir = folder(t);
  const made = cli(['new', 'disk-full'], { cwd: dir });
  assert.equal(made.code, 0, made.stdout + made.stderr);
  const r = cli(['validate', 'runbooks/disk-full.yaml'], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, '1 runbook checked: 0 errors, 0 warnings\n');
});

test("a YAML error names a quote followed by text as that, not as ': '", (t) => {
  const bad = validate(t, "name: t\ntitle: 'it's broken'\nsteps:\n  - id: done\n    end: resolved\n");
  assert.equal(bad.code, 2, bad.out);
  assert.match(bad.out, /^rb\.yaml:2:8: error: the value of 'title' is the quoted text 'it' and then more \(s broken'\): YAML allows nothing after a closing quote\. Inside single quotes write a quote twice \(title: 'it''s broken'\)/m);
  assert.doesNotMatch(bad.out, /': '/);
  const dq = validate(t, 'name: t\ntitle: "Fixed" for now\nsteps:\n  - id: done\n    end: resolved\n');
  assert.match(dq.out, /the value of 'title' is the quoted text "Fixed" and then more \(for now\)/);
  // A quote never closed is named where it opens, not where YAML gave up.
  const open = validate(t, 'name: t\ntitle: "unterminated\nsteps:\n  - id: done\n    end: resolved\n');
  assert.match(open.out, /^rb\.yaml:2:8: error: the value of 'title' opens a quote \("\) on line 2 that is never closed/m);
  // A real ': ' in a plain value keeps its own message.
  const colon = validate(t, 'name: t\ntitle: Check: disk\nsteps:\n  - id: done\n    end: resolved\n');
  assert.match(colon.out, /^rb\.yaml:2:8: error: the value of 'title' contains ': '.*title: "Check: disk"/m);
});

test('validate prints a file under the current directory relative to it, and one outside as given', (t) => {
  const dir = folder(t);
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'runbooks', 'x.yaml'), 'name: x\ntitle: X\nsteps:\n  - id: a\n    goto: b\n');
  const inside = cli(['validate', join(dir, 'runbooks', 'x.yaml')], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  assert.match(inside.stdout, /^runbooks\/x\.yaml:5:5: error: /m);
  const outside = cli(['validate', join(dir, 'runbooks', 'x.yaml')], { cwd: tmpdir(), env: { RUNBOOK_NO_CACHE: '1' } });
  assert.ok(outside.stdout.startsWith(`${join(dir, 'runbooks', 'x.yaml').slice(tmpdir().length + 1)}:`) || outside.stdout.startsWith(join(dir, 'runbooks', 'x.yaml')), outside.stdout);
  assert.ok(readFileSync(join(dir, 'runbooks', 'x.yaml'), 'utf8').length > 0);
});
