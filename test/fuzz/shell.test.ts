// A hostile value in every place a runbook author writes a hole — bare, "…", '…', $'…', "$(…)", a
// here-document — reaches bash as exactly that value, and nothing in it runs. Real bash, the way the shell
// executor runs it (bash -c script, the values on stdin: executors/shell-values.ts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { renderShell } from '../../src/engine/render.js';
import { valueVar, withValues } from '../../src/executors/shell-values.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';
import { planText, valueAsOption } from '../../src/language/shell-plan-text.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { RUNS, check, summary } from './budget.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-shell-fuzz-'));
const MARK = join(dir, 'ran');
after(() => rmSync(dir, { recursive: true, force: true }));

const PIECES = [' ', '  ', '\t', '\n', '*', '?', '[a]', '~', '!', '$', '$HOME', '${HOME}', '$1', '"', "'", '\\', '`', '{a,b}', ';', '|', '&', '<', '>',
  '-n', '-e', '--', '%s', 'é', '😀', '#', '${{ inputs.x }}', `$(touch ${MARK})`, `\`touch ${MARK}\``, `; touch ${MARK}`, `' ; touch ${MARK} '`,
  `" ; touch ${MARK} "`, `a[$(touch ${MARK})]`, '$((1+1))', "$'\\x41'", 'plain'];
const value = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));

/** Where the hole stands, and what printf receives given the value. */
const PLACES: [string, (v: string) => string][] = [
  ["printf '%s' ${{ inputs.v }}", (v) => v],
  ["printf '%s' \"${{ inputs.v }}\"", (v) => v],
  ["printf '%s' \"before ${{ inputs.v }} after\"", (v) => `before ${v} after`],
  ["printf '%s' '${{ inputs.v }}'", (v) => v],
  ["printf '%s' 'a'\"b\"'${{ inputs.v }}'c", (v) => `ab${v}c`],
  ["printf '%s' $'tab\\t${{ inputs.v }}'", (v) => `tab\t${v}`],
  ["printf '%s' \"$(printf '%s' ${{ inputs.v }})\"", (v) => v.replace(/\n+$/, '')],
  ["printf '%s' \"$(printf '%s' \"${{ inputs.v }}\")\"", (v) => v.replace(/\n+$/, '')],
  ["x=${{ inputs.v }}; printf '%s' \"$x\"", (v) => v],
  ['cat <<EOF\n${{ inputs.v }}\nEOF', (v) => `${v}\n`],
  ["printf '%s' \"${{ inputs.v }}\" '${{ inputs.v }}' ${{ inputs.v }}", (v) => v.repeat(3)],
];

test(`a hostile value is one inert argument wherever the hole stands (${RUNS} cases)`, () => {
  check('shell holes', fc.tuple(fc.nat({ max: PLACES.length - 1 }), value), ([i, v]) => {
    const [template, expected] = PLACES[i]!;
    // The validator accepts the value's place in every one of these (those outside the proven subset need
    // marking, unsafe-unmarked, which is not about the hole).
    const doc = `name: t\ntitle: t\ninputs: { v: {} }\nsteps:\n  - id: s\n    shell: ${JSON.stringify(template)}\n  - { id: done, end: resolved }\n`;
    assert.deepEqual(parseRunbook(doc, 't.yaml').diagnostics.filter((d) => d.severity === 'error' && d.code !== 'unsafe-unmarked'), []);
    // What the engine runs (engine/prepare.ts): the plan's own text where the script is in the subset, and
    // nothing where a value would reach a program as an option.
    const { script: rendered, values } = renderShell(template, { inputs: { v } });
    const plan = planOfTemplate(template);
    if (plan && valueAsOption(plan, values)) return;
    const script = plan ? planText(plan, (n) => `"\${${valueVar(n)}}"`) : rendered;
    const full = withValues(script, values);
    // bash's own time is not this process's CPU time: its hang guard is a kill (idle value ~5 ms).
    const r = spawnSync('bash', ['-c', full.script, 'runbook'], { encoding: 'utf8', cwd: dir, input: full.stdin, timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected(v), `${JSON.stringify(template)} with ${JSON.stringify(v)} → ${JSON.stringify(script)}`);
    assert.equal(existsSync(MARK), false, 'part of the value ran');
  });
});

test('holes bash would evaluate as arithmetic, or never fill in, are refused by the validator', () => {
  for (const shell of ['[[ ${{ inputs.v }} -gt 5 ]] && echo big', 'echo $(( ${{ inputs.v }} + 1 ))', '(( ${{ inputs.v }} > 3 )) && echo big', 'let n=${{ inputs.v }}',
    'declare -i n=${{ inputs.v }}', 'a=(1 2); echo ${a[${{ inputs.v }}]}', "cat <<'EOF'\n${{ inputs.v }}\nEOF"]) {
    const doc = `name: t\ntitle: t\ninputs: { v: {} }\nsteps:\n  - id: s\n    shell: ${JSON.stringify(shell)}\n  - { id: done, end: resolved }\n`;
    const codes = parseRunbook(doc, 't.yaml').diagnostics.map((d) => d.code);
    assert.ok(codes.includes('shell-hole'), `${shell}: ${codes.join(', ')}`);
    // …and for good reason: bash really runs a command hidden in the value (except in the quoted here-document).
    if (!shell.includes("'EOF'")) {
      const { script, values } = renderShell(shell, { inputs: { v: `a[$(touch ${MARK})]` } });
      const full = withValues(script, values);
      spawnSync('bash', ['-c', full.script, 'runbook'], { cwd: dir, input: full.stdin });
      assert.equal(existsSync(MARK), true, `${shell} did not evaluate the value`);
      rmSync(MARK);
    }
  }
});

after(() => console.log(summary()));
