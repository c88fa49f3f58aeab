// The proven subset (issue #44): what is in it, what its text is, and that every case the issue named is outside
// it or refused. shell-plan-oracle.test.ts checks the subset against bash itself on generated scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPlan, planOfTemplate } from '../../src/language/shell-plan.js';
import { holeSpelling, planText, valueAsOption } from '../../src/language/shell-plan-text.js';
import { shellDanger } from '../../src/language/validate/shell-lint.js';

const text = (s: string) => {
  const r = readPlan(s);
  assert.ok('plan' in r, `in the subset: ${s} (${'outside' in r ? r.outside : ''})`);
  return planText(r.plan, (n) => `"\${V${n}}"`);
};
const outside = (s: string) => {
  const r = readPlan(s);
  assert.ok('outside' in r, `outside the subset: ${JSON.stringify(s)}`);
  return r.outside;
};

test('simple commands, pipelines, lists, files in and /dev/null out are in the subset, spelled one way', () => {
  assert.equal(text('ps aux | grep -c postgres'), "'ps' 'aux' | 'grep' '-c' 'postgres'");
  assert.equal(text("echo 'a b' \"c d\"e && true || false; ls"), "'echo' 'a b' 'c de' && 'true' || 'false'; 'ls'");
  assert.equal(text('cat < /etc/hostname 2>/dev/null'), "'cat' <'/etc/hostname' 2>/dev/null");
  assert.equal(text('ls &>/dev/null'), "'ls' >/dev/null 2>&1");
  assert.equal(text(`echo "it's"`), "'echo' 'it'\\''s'");
  assert.equal(text('ls # a comment\n\nwc -l /etc/passwd'), "'ls'\n\n'wc' '-l' '/etc/passwd'", 'each pipeline stays on its line');
  assert.equal(text('[ -f /etc/hostname ]'), "'[' '-f' '/etc/hostname' ']'");
  assert.equal(planText(planOfTemplate('systemctl status ${{ inputs.unit }} "${{ inputs.other }}"')!, holeSpelling), `'systemctl' 'status' "\0" "\0"`);
  // A value inside a word: the literal parts quoted, the value's reference beside them (one word to bash).
  assert.equal(text('echo "mode is \0" x\0y \'q\0\' >&2'), `'echo' 'mode is '"\${V1}" 'x'"\${V2}"'y' 'q'"\${V3}" >&2`);
});

test("the issue's cases are outside the subset (not proven), or refused by the lint", () => {
  for (const s of ['for x in 1; { rm -f F; }', '>/dev/null for x in 1 || rm -f F', '2>/dev/null [[ -n ok || rm -f F', '((ls d); rm -f F)',
    'set -- IN OUT; uniq "$@"', 'a=(IN OUT); uniq "${a[@]}"', "find . -name x -exec cat {} +", 'sleep 600 &', 'flock -s F sleep 60 &',
    'echo x > /tmp/fifo', 'cat <<EOF\nx\nEOF', 'echo $(id)', 'echo `id`', 'ls *', 'echo a{b,c}', 'echo ~', 'x=1 ls', 'ls 12>/dev/null',
    'ls |& cat', 'ls >> /dev/null', "printf '%s' \"$x\"", 'echo \\x', 'echo "a\\"b"', '! ls', '{ ls; }', 'time ls', 'ls; ;', '&& ls',
    // bash's lexer takes `;&` before `>`: a syntax error to bash, once a `;` and an `&>` to the reader (the oracle, seed 1234).
    'true;&>/dev/null false', 'true;;&ls']) outside(s);
  assert.match(outside('${{ v }} a'.replace('${{ v }}', '\0')), /value in the command name/);
  // Inside the subset, the tables decide; these the lint refuses.
  assert.match(shellDanger('xxd -ps IN OUT') ?? '', /xxd writing its second operand/, 'xxd reads -ps as -postscript, not -p -s');
  assert.match(shellDanger('printf "${{ inputs.v }}" x') ?? '', /a value as its format/);
  for (const s of ['printf -v x "${{ inputs.v }}"', 'printf -vx -- "${{ inputs.v }}"', 'printf -- "${{ inputs.v }}" a']) assert.match(shellDanger(s) ?? '', /a value as its format/, s);
  assert.equal(shellDanger("printf -- '%s' \"${{ inputs.v }}\""), undefined, 'a literal format after --');
  assert.match(shellDanger("curl -q -s -H 'X-A: 1' http://127.0.0.1:9/") ?? '', /a network client/);
  assert.match(shellDanger("sed -n 's|a|b|w out' f") ?? '', /writes a file/);
});

test('a value that begins with - never reaches a program as an option, unless after --', () => {
  const plan = planOfTemplate("printf '%s' ${{ inputs.v }}; sort -- ${{ inputs.w }}; echo ${{ inputs.x }}")!;
  assert.match(valueAsOption(plan, ['-va[$(touch P)]', 'x', 'y']) ?? '', /value 1 begins with '-' and would reach printf as an option/);
  assert.match(valueAsOption(planOfTemplate('sort ${{ a }}${{ b }}')!, ['', '-o/etc/x']) ?? '', /would reach sort as an option/, 'an empty value first: the word begins with the next');
  assert.equal(valueAsOption(planOfTemplate('sort --key=${{ a }} f')!, ['-1']), undefined, 'a value after a literal start is not an option of its own');
  assert.equal(valueAsOption(plan, ['x', '-r', '-n']), undefined, "after '--' it is an operand; echo's options only print");
  assert.doesNotMatch(valueAsOption(plan, ['-secret', '', '']) ?? '', /secret/, 'the value itself is never named');
});
