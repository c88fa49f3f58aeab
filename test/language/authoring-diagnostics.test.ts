// Issue #18: mistakes that used to validate silently each get a located error or warning with a fix hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook } from '../../src/language/runbook.js';
import type { Diagnostic } from '../../src/language/diagnostic.js';

/** A runbook around the given steps (YAML, indented as list items under steps:), ending in done/escalate. */
function check(steps: string, head = ''): Diagnostic[] {
  const text = `name: t\ntitle: T\n${head}steps:\n${steps}  - id: done\n    end: resolved\n  - id: escalate\n    end: escalate\n`;
  return parseRunbook(text, 't.yaml').diagnostics;
}
const HEAD_LINES = 3; // name, title, steps

function only(ds: Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}

function one(ds: Diagnostic[], code: string, line: number, col: number, words: RegExp, severity: 'error' | 'warning' = 'error'): void {
  const hits = only(ds, code);
  assert.equal(hits.length, 1, `one ${code}: ${JSON.stringify(ds)}`);
  assert.deepEqual([hits[0]!.line, hits[0]!.col, hits[0]!.severity], [line, col, severity], JSON.stringify(hits[0]));
  assert.match(hits[0]!.message, words);
}

test("an on key no result can carry is an error with did-you-mean, for every step kind's own keys", () => {
  const ds = check(`  - id: a
    shell: echo
    on: { skiped: done, error: escalate }
  - id: b
    manual: { instructions: do it, choices: [fixed, not-fixed] }
    on: { fixd: done, not-fixed: escalate }
  - id: c
    probe: tcp
    with: { host: 127.0.0.1, port: 1 }
    on: { refused: escalate, timout: escalate, too-many-connections: escalate }
`);
  const hits = only(ds, 'unknown-on-key');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[HEAD_LINES + 3, 11], [HEAD_LINES + 6, 11], [HEAD_LINES + 10, 30]]);
  assert.match(hits[0]!.message, /'skiped'.*never be taken.*did you mean 'skipped'/);
  assert.match(hits[1]!.message, /did you mean 'fixed'/);
  assert.match(hits[2]!.message, /did you mean 'timeout'/);
});

test("aborted in on: is a located warning on every kind (an abort stops the whole run), with the fix", () => {
  for (const action of ['runbook: { name: other }', 'shell: echo', 'manual: { instructions: do it }']) {
    one(check(`  - id: a\n    ${action}\n    on: { error: escalate, aborted: escalate }\n`), 'aborted-on-key', HEAD_LINES + 3, 28,
      /'aborted' in on: of step 'a' is never taken: an abort .* stops the whole run before any route; remove it/, 'warning');
  }
});

test('an on key an earlier key always takes first, or one this step never matches, is a located warning', () => {
  one(check(`  - id: a\n    shell: echo\n    on: { error: escalate, timeout: done }\n`), 'never-taken-on-key', HEAD_LINES + 3, 28,
    /'timeout' in on: of step 'a' is never taken: the earlier `on` key 'error' takes every result it matches; put it first/, 'warning');
  one(check(`  - id: a\n    shell: echo\n    on: { skipped: escalate }\n`), 'never-taken-on-key', HEAD_LINES + 3, 11,
    /'skipped' .* never taken: the step has no 'if' and is not destructive, so nothing skips it; remove the key/, 'warning');
  one(check(`  - id: a\n    vars: { x: "1" }\n    on: { refused: escalate }\n`), 'never-taken-on-key', HEAD_LINES + 3, 11,
    /a vars step fails only as 'other'/, 'warning');
  // Skippable steps, and keys in an order where each takes something: no warning.
  for (const step of ['  - id: a\n    if: "1 == 1"\n    shell: echo\n    on: { skipped: escalate, timeout: done, error: escalate }\n',
    '  - id: a\n    destructive: true\n    shell: echo\n    on: { skipped: escalate }\n']) {
    assert.deepEqual(check(step).filter((d) => d.severity === 'warning' || d.code === 'unknown-on-key'), []);
  }
  // A classification on a call step is still a typo-class error: a call's result is the called runbook's outcome.
  one(check(`  - id: a\n    runbook: { name: other }\n    on: { refused: escalate }\n`), 'unknown-on-key', HEAD_LINES + 3, 11, /called runbook's outcome/);
});

test('a skipped gate that reaches end: resolved with nothing checked is a located warning; routed skips and checks are not', () => {
  // gate → (falls through) → fine: end resolved. The warning sits on the gate's destructive key.
  const gate = `  - id: restart\n    destructive: true\n    shell: systemctl restart app\n`;
  one(check(`${gate}  - id: fine\n    end: resolved\n`), 'gate-skipped-to-resolved', HEAD_LINES + 2, 5,
    /if the operator skips 'restart' at its gate, the run goes on to 'fine' and ends resolved with nothing checked: route the skip \(on: \{ skipped: <an escalate end> \}\) or check the outcome in a step before 'fine'/, 'warning');
  // Through steps that check nothing (a vars step, a manual step whose answer goes one way), named on the way.
  one(check(`${gate}  - id: note\n    vars: { x: "1" }\n  - id: tell\n    manual: Tell the team\n  - id: fine\n    end: resolved\n`), 'gate-skipped-to-resolved', HEAD_LINES + 2, 5,
    /goes on to 'fine' \(through 'note', 'tell'\)/, 'warning');
  // A next: to the resolved end, too.
  one(check(`${gate}    next: done\n`), 'gate-skipped-to-resolved', HEAD_LINES + 2, 5, /goes on to 'done'/, 'warning');
  for (const quiet of [
    `${gate}    on: { skipped: done }\n`,                                       // the skip is routed on purpose
    `${gate}  - id: verify\n    shell: systemctl is-active app\n  - id: fine\n    end: resolved\n`, // a check before the end
    `${gate}    on: { ok: done, skipped: escalate }\n`,
    `${gate}  - id: ask\n    manual: { instructions: Is it up?, choices: [up, down] }\n    on: { up: done, down: escalate }\n`,
    `${gate}    next: escalate\n`,
  ]) assert.deepEqual(only(check(quiet), 'gate-skipped-to-resolved'), [], quiet);
});

test('a prompt without choices may branch on any answer; with choices only on them', () => {
  assert.deepEqual(only(check(`  - id: a
    prompt: { message: which? }
    on: { primary: done, replica: escalate }
`), 'unknown-on-key'), []);
  one(check(`  - id: a
    prompt: { message: which?, choices: [primary, replica] }
    on: { primary: done, replca: escalate }
`), 'unknown-on-key', HEAD_LINES + 3, 26, /did you mean 'replica'/);
});

test('a choice missing from on (while others branch) is a warning naming it; an explicit next or ok is a default', () => {
  one(check(`  - id: a
    manual: { instructions: do it, choices: [fixed, not-fixed, unsure] }
    on: { not-fixed: escalate }
`), 'choice-without-branch', HEAD_LINES + 3, 5, /choices 'fixed', 'unsure' of step 'a' have no branch.*add fixed: <step>, unsure: <step>/, 'warning');
  for (const extra of ['    next: escalate\n', '']) {
    const on = extra ? '{ not-fixed: escalate }' : '{ not-fixed: escalate, ok: done }';
    assert.deepEqual(only(check(`  - id: a\n    manual: { instructions: do it, choices: [fixed, not-fixed] }\n    on: ${on}\n${extra}`), 'choice-without-branch'), []);
  }
});

test('a next branch after an unconditional one is unreachable', () => {
  one(check(`  - id: a
    shell: echo
    next:
      - goto: done
      - if: steps.a.ok
        goto: escalate
`), 'unreachable-branch', HEAD_LINES + 5, 9, /never taken.*goto: done.*has no 'if'.*last/, 'warning');
});

test('go_to in a branch is reported inside the branch with did-you-mean, not as "got a list"', () => {
  const ds = check(`  - id: a
    shell: echo
    next:
      - if: steps.a.ok
        go_to: done
`);
  const unknown = only(ds, 'unknown-key');
  assert.equal(unknown.length, 1, JSON.stringify(ds));
  assert.deepEqual([unknown[0]!.line, unknown[0]!.col], [HEAD_LINES + 5, 9]);
  assert.match(unknown[0]!.message, /unknown key 'go_to' in step 'a' — did you mean 'goto'\?/);
  assert.ok(!ds.some((d) => /got a list/.test(d.message)), JSON.stringify(ds));
});

test('if: ${{ … }} (the GitHub Actions habit) gets a hint, in every expression field', () => {
  const ds = check(`  - id: a
    if: \${{ inputs.n > 1 }}
    shell: echo
    next:
      - if: "\${{ steps.a.ok }}"
        goto: done
  - id: w
    wait: { until: "\${{ result.ok }}", shell: echo, every: 1s, for: 5s }
`, 'inputs:\n  n: { type: number, default: 2 }\n');
  const hits = only(ds, 'wrapped-expression');
  assert.deepEqual(hits.map((d) => d.line), [HEAD_LINES + 2 + 2, HEAD_LINES + 2 + 5, HEAD_LINES + 2 + 8]);
  assert.match(hits[0]!.message, /'if' is an expression already: write it without \$\{\{ \}\} \(if: inputs.n > 1\)/);
  assert.match(hits[2]!.message, /'until'/);
  assert.deepEqual(only(ds, 'expression'), []);
});

test("steps.no-contention (a dashed id) gets the steps['no-contention'] hint and no misleading unknown-name errors", () => {
  const ds = check(`  - id: no-contention
    shell: echo
  - id: b
    if: steps.no-contention.ok and steps.no-contention-1 == 0
    shell: echo \${{ steps.no-contention.output }}
`);
  const hits = only(ds, 'dashed-step-id');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[HEAD_LINES + 4, 9], [HEAD_LINES + 4, 36], [HEAD_LINES + 5, 21]]);
  assert.match(hits[0]!.message, /write steps\['no-contention'\] instead of steps.no-contention/);
  assert.deepEqual(ds.filter((d) => d.code === 'unknown-name' || d.code === 'unknown-step'), []);
  // The bracket form is fine.
  assert.deepEqual(check(`  - id: no-contention\n    shell: echo\n  - id: b\n    if: steps['no-contention'].ok\n    shell: echo\n`).filter((d) => d.severity === 'error'), []);
});

test('${{ }} in a field that is not a template is an error naming the field (runbook, input and step fields)', () => {
  const ds = check(`  - id: a
    description: checks \${{ inputs.n }}
    prompt: { message: "n? (\${{ inputs.n }})", default: "\${{ inputs.n }}", choices: ["\${{ inputs.n }}"] }
`, 'summary: when \${{ inputs.n }} is high\ninputs:\n  n: { description: "the \${{ n }}", default: "1" }\n');
  const hits = only(ds, 'not-templated');
  // summary (3), the input's description (5), then the step's description (8) and the prompt's default and choice (9).
  assert.deepEqual(hits.map((d) => d.line), [3, 5, 8, 9, 9]);
  assert.match(hits[0]!.message, /'summary' is not a template: \$\{\{ \}\} here would be shown as written/);
  assert.match(hits[3]!.message, /'default' is not a template.*used as written/);
  // prompt.message is a template: no error there.
  assert.ok(!hits.some((d) => d.col === 22 && d.line === 9));
});

test('a default its own input or prompt would refuse is an error at the default', () => {
  const ds = check(`  - id: a
    prompt: { message: which?, choices: [a, b], default: c }
  - id: b
    prompt: { message: pid?, pattern: '[0-9]+', default: none }
`, 'inputs:\n  port: { type: number, default: abc }\n  url: { type: url, default: localhost }\n  code: { pattern: "^[0-9]+$", default: x1 }\n  ok: { type: boolean, default: "yes" }\n  key: { type: number, default: nope, secret: true }\n');
  const hits = only(ds, 'bad-default');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[4, 34], [5, 30], [6, 41], [8, 33], [11, 58], [13, 58]]);
  assert.match(hits[0]!.message, /"abc" does not fit: input 'port' must be a number/);
  assert.match(hits[3]!.message, /not shown: the input is secret/);
  assert.ok(!hits[3]!.message.includes('nope'));
  assert.match(hits[4]!.message, /'c' of step 'a' is not one of its choices \(a, b\)/);
  assert.match(hits[5]!.message, /does not match its pattern/);
});

test('a path that runs past the last step (ending resolved with no end step) is warned about even when the file has end steps', () => {
  const text = `name: t
title: T
steps:
  - id: restart
    shell: systemctl restart app
    destructive: true
    on: { skipped: verify, error: escalate }
    next: done
  - id: done
    end: resolved
  - id: escalate
    end: escalate
  - id: verify
    shell: curl -fsS localhost
`;
  const ds = parseRunbook(text, 't.yaml').diagnostics;
  one(ds, 'no-end', 13, 5, /after step 'verify' \(the last\) the run ends 'resolved' without an end step/, 'warning');
  // The last step being an end, or unreachable, or sending the run elsewhere: no warning.
  assert.deepEqual(only(parseRunbook(text.replace('    shell: curl -fsS localhost\n', '    shell: curl -fsS localhost\n    next: done\n'), 't.yaml').diagnostics, 'no-end'), []);
});

test('a capture read where some path never ran the step that sets it is a warning; guarded reads are not', () => {
  const steps = `  - id: check
    shell: echo 90
    on: { error: report }
    capture: usage
  - id: usage-high
    shell: echo high
    capture: high
  - id: report
    shell: echo \${{ usage.output }} \${{ high.output }}
    next: done
`;
  // check → (error) → report skips usage-high: 'high' may be unset at report; 'usage' is set on every path.
  const ds = check(steps);
  one(ds, 'maybe-unset', HEAD_LINES + 9, 12, /'high' may not be set here: some path to step 'report' never reaches 'usage-high'.*default\(high/, 'warning');
  // Guarded reads: default(), a condition testing it, or an `if` on the step's own result.
  for (const read of ["\${{ default(high.output, 'n/a') }}", "\${{ high.status == 'ok' ? high.output : 'n/a' }}", "\${{ high and high.output }}"]) {
    assert.deepEqual(only(check(steps.replace('${{ high.output }}', read)), 'maybe-unset'), [], read);
  }
  // A step skipped by its own `if` still records its result: a path through it sets the capture.
  assert.deepEqual(only(check(steps.replace('    on: { error: report }\n', '').replace('    shell: echo high\n', '    if: false\n    shell: echo high\n')), 'maybe-unset'), []);
  // Alongside errors that leave the step graph as written (an unknown input, an unknown name), it still warns.
  const withErrors = check(steps.replace('shell: echo 90', 'shell: echo ${{ inputs.nope }}').replace('next: done', 'next: done\n    if: nothing.ok'));
  assert.ok(only(withErrors, 'unknown-input').length === 1 && only(withErrors, 'unknown-name').length === 1, JSON.stringify(withErrors));
  one(withErrors, 'maybe-unset', HEAD_LINES + 9, 12, /'high' may not be set here/, 'warning');
  // An error in the graph itself (an edge to a step that is not there) would make its warnings noise: none.
  const broken = check(steps.replace('on: { error: report }', 'on: { error: reprt }'));
  assert.equal(only(broken, 'unknown-step').length, 1);
  assert.deepEqual(only(broken, 'maybe-unset'), []);
});

// A new team's next mistakes (#18, second round): each a located one-line diagnostic with the fix.

test('for_each over something that is never a list is an error at in:, with the function that makes one', () => {
  const head = 'inputs:\n  hosts: { default: "a,b" }\n';
  const loop = (inExpr: string) => check(`  - id: a\n    shell: echo x\n    capture: a\n  - id: each\n    for_each: { in: ${inExpr} }\n    shell: echo \${{ item }}\n`, head);
  const at = HEAD_LINES + 2 + 5;
  one(loop('inputs.hosts'), 'loop-not-a-list', at, 21, /is the input 'hosts', which is text .*never a list: split it, e.g. split\(inputs.hosts, ','\)/);
  one(loop('a.output'), 'loop-not-a-list', at, 21, /is text \(a.output\), never a list: take its lines, lines\(a.output\)/);
  one(loop('steps.a.rowCount'), 'loop-not-a-list', at, 21, /is a number .*loop over rows \(e.g. steps.a.rows\)/);
  one(loop(`"'a b'"`), 'loop-not-a-list', at, 21, /is a string \('a b'\), never a list: for a list write \['a', 'b'\]/);
  for (const fine of ['a.rows', 'split(inputs.hosts)', 'lines(a.output)', '"[1, 2]"', 'vars.value']) {
    assert.deepEqual(only(loop(fine), 'loop-not-a-list'), [], fine);
  }
});

test('a bare name that is a vars, input or step name says which prefix it needs', () => {
  const ds = check('  - id: v\n    vars: { limit: "1" }\n  - id: a\n    shell: echo ${{ limit }} ${{ service }} ${{ v }}\n', 'inputs:\n  service: { default: x }\n');
  const hits = only(ds, 'unknown-name');
  assert.deepEqual(hits.map((d) => d.message.replace(/\?.*/, '?')), [
    "unknown name 'limit' — did you mean vars.limit?", "unknown name 'service' — did you mean inputs.service?", "unknown name 'v' — did you mean steps.v?",
  ]);
  assert.match(hits[0]!.message, /A bare name is a step's capture name; inputs, vars and steps are read under their prefix/);
});

test('a vars name that is also an input is a warning at the vars key', () => {
  one(check('  - id: v\n    vars: { threshold: inputs.threshold + 1 }\n    next: done\n', 'inputs:\n  threshold: { type: number, default: 9 }\n'),
    'vars-shadows-input', HEAD_LINES + 2 + 2, 13, /vars.threshold has the name of input 'threshold'.*give it its own name, e.g. threshold_value/, 'warning');
});

test('${{ }} in a key is an error at the key (an env name, an on key)', () => {
  const ds = check('  - id: a\n    shell:\n      run: echo\n      env: { "${{ inputs.n }}": x }\n    on: { "${{ inputs.n }}": done }\n', 'inputs:\n  n: { default: x }\n');
  assert.deepEqual(only(ds, 'template-in-key').map((d) => [d.line, d.col]), [[HEAD_LINES + 2 + 4, 14], [HEAD_LINES + 2 + 5, 11]]);
  assert.match(only(ds, 'template-in-key')[0]!.message, /keys are never templates: .*put the \$\{\{ \}\} in its value/);
  assert.deepEqual(only(ds, 'unknown-on-key'), [], 'one error for the key, not two');
  assert.deepEqual(only(ds, 'bad-name'), [], 'one error for the env key, not two');
});

test('action fields written beside the action, script: for run:, a step-level goto and sql: as text say where they belong', () => {
  const cases: [string, RegExp][] = [
    ['  - id: a\n    shell: echo\n    env: { A: b }\n', /unknown key 'env' in step 'a' — 'env' belongs inside the shell action: shell: \{ run: <the command>, env:/],
    ['  - id: a\n    shell: echo\n    cwd: /tmp\n', /'cwd' belongs inside the shell action/],
    ['  - id: a\n    sql: { query: SELECT 1 }\n    params: [1]\n', /'params' belongs inside the sql action/],
    ['  - id: a\n    shell: echo\n    goto: done\n', /'goto' belongs only inside a branch of next: — a step moves on with next: <step id>/],
    ['  - id: a\n    shell:\n      script: echo\n', /unknown key 'script' in step 'a' — the command goes under run:/],
  ];
  for (const [steps, words] of cases) {
    const hit = check(steps, 'connections:\n  db: { url: "postgres://x@h/d" }\n').find((d) => d.code === 'unknown-key');
    assert.ok(hit && words.test(hit.message), `${steps}: ${JSON.stringify(hit)}`);
  }
  one(check('  - id: a\n    sql: SELECT 1\n', 'connections:\n  db: { url: "postgres://x@h/d" }\n'), 'schema', HEAD_LINES + 2 + 2, 10,
    /'sql' in step 'a': expected a mapping, got "SELECT 1"; write it as sql: \{ query: "SELECT 1" \}/);
});

test('a capture no path sets before it is read is an error (#32); an output read where an end may lack it is warned', () => {
  one(check('  - id: a\n    shell: echo ${{ b.output }}\n  - id: b\n    shell: echo\n    capture: b\n'), 'never-set', HEAD_LINES + 2, 12,
    /'b' is never set here: no path to step 'a' goes through 'b', which captures it \(it runs only later, or elsewhere\); move the read after it/);
  const outputs = 'outputs:\n  late: later.output\n  safe: "default(later.output, \'none\')"\n';
  one(check('  - id: a\n    shell: echo\n    capture: a\n    next:\n      - if: a.output == "x"\n        goto: done\n  - id: later\n    shell: echo\n    capture: later\n', outputs),
    'maybe-unset', 4, 9, /'later' may not be set here: some path to end 'done' \(where output 'late' is worked out\) never reaches 'later'/, 'warning');
});

test('an unterminated or empty ${{ in a title says how to fix it', () => {
  one(check('  - id: a\n    title: "Check ${{ inputs.x"\n    shell: echo\n', 'inputs:\n  x: {}\n'), 'expression', HEAD_LINES + 2 + 2, 19,
    /'\$\{\{' is never closed with '\}\}': end the expression with '\}\}' \(\$\{\{ inputs.name \}\}\)/);
  one(check('  - id: a\n    title: "Check ${{ }}"\n    shell: echo\n'), 'expression', HEAD_LINES + 2, 19, /empty '\$\{\{ \}\}': put an expression in it/);
});

test("a literal pattern after 'matches' that cannot be matched in linear time is a located error", () => {
  const ds = check(`  - id: a\n    shell: echo\n    capture: a\n    next:\n      - if: "a.stdout matches '(?=x)x'"\n        goto: done\n`);
  one(ds, 'expression', HEAD_LINES + 5, 31, /invalid regular expression after 'matches': it uses a backreference .* lookaround .* linear time/);
  assert.deepEqual(only(check(`  - id: a\n    shell: echo\n    capture: a\n    next:\n      - if: "a.stdout matches '^ok( [0-9]+)?$'"\n        goto: done\n`), 'expression'), []);
});
