import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, parseExpression, parseTemplate, ExpressionError, references } from '../../src/language/expression/index.js';

const run = (src: string, scope: Record<string, unknown> = {}) => evaluate(parseExpression(src), scope);

test('arithmetic, comparison and precedence', () => {
  assert.equal(run('1 + 2 * 3'), 7);
  assert.equal(run('(1 + 2) * 3'), 9);
  assert.equal(run('10 % 4 - -1'), 3);
  assert.equal(run('2 >= 1 and 1 > 2 or true'), true);
  assert.equal(run('not 1 == 2'), true);
  assert.equal(run('!false && true'), true);
  assert.equal(run('1 < 2 ? "a" : "b"'), 'a');
});

test('reads inputs, captures, rows; text numbers compare as numbers', () => {
  const scope = { usage: { rows: [{ used: '95', max: 100 }] }, inputs: { n: 3 } };
  assert.equal(run('usage.rows[0].used >= usage.rows[0].max * 0.9', scope), true);
  assert.equal(run('usage.rows[0].used == 95', scope), true);
  assert.equal(run("usage['rows'].length", scope), 1);
  assert.equal(run('inputs.n + 1', scope), 4);
  assert.equal(run('inputs.missing.deeper', scope), undefined);
});

test('a missing value compares neither smaller nor larger', () => {
  assert.equal(run('missing < 21', {}), false);
  assert.equal(run('missing >= 0', {}), false);
  assert.equal(run('null > -1'), false);
  assert.equal(run('missing == null', {}), true);
});

test('operators for text and lists', () => {
  assert.equal(run("'too many clients' contains 'many'"), true);
  assert.equal(run("'b' in ['a', 'b']"), true);
  assert.equal(run("'53300' matches '^53'"), true);
  assert.equal(run("length('abc') + length([1,2])"), 5);
  assert.equal(run("default(x, 'fallback')", {}), 'fallback');
  assert.equal(run("join(['a','b'], '+')"), 'a+b');
});

test('no prototype access, no code execution', () => {
  const scope = { o: {} };
  assert.equal(run('o.constructor', scope), undefined);
  assert.equal(run("o['__proto__']", scope), undefined);
  assert.throws(() => parseExpression("o.constructor.constructor('x')()"), ExpressionError);
  assert.throws(() => parseExpression('process.exit(1)'), /unknown function|unexpected/);
  assert.equal(run("'x'.length"), 1);
});

test('syntax errors carry the offset', () => {
  for (const [src, pos] of [['a +', 3], ['a == == b', 5], ["'open", 0], ['a @ b', 2], ['(1', 2]] as const) {
    try { parseExpression(src); assert.fail(`${src} parsed`); } catch (e) {
      assert.ok(e instanceof ExpressionError, String(e));
      assert.equal(e.pos, pos, `${src}: ${e.message}`);
    }
  }
  assert.throws(() => parseExpression('1 < 2 < 3'), ExpressionError);
  assert.throws(() => parseExpression('('.repeat(500) + '1' + ')'.repeat(500)), /nested too deeply/);
});

test('templates split into text and expressions with offsets', () => {
  const parts = parseTemplate('kill ${{ idle.rowCount }} of ${{inputs.max}}');
  assert.deepEqual(parts.map((p) => p.kind), ['text', 'expr', 'text', 'expr']);
  const second = parts[3]!;
  assert.ok(second.kind === 'expr' && second.source === 'inputs.max' && second.offset === 32);
  assert.throws(() => parseTemplate('a ${{ b'), /never closed/);
  assert.throws(() => parseTemplate('a ${{ }}'), /empty/);
});

test('references name roots and their first member', () => {
  const refs = references(parseExpression("inputs.url matches '^pg' and steps['check-usage'].status == 'ok' and usage.rows"));
  assert.deepEqual(refs.map((r) => `${r.root}.${r.member ?? ''}`), ['inputs.url', 'steps.check-usage', 'usage.rows']);
});

test("number() and arithmetic: blank text, null, missing values, lists are not numbers (NaN), as documented", () => {
  const scope = { s: { output: '' }, blank: { output: '  \n' }, n: { output: ' 42\n' }, rows: [1] };
  for (const src of ['number(s.output)', 'number(blank.output)', 'number(null)', 'number(nothing.here)', 'number(rows)',
    "number('12 apples')", 's.output * 2', 'null - 1', '-s.output', 'nothing.here + 1', 'round(s.output)', 'max(s.output, 1)']) {
    assert.ok(Number.isNaN(run(src, scope)), `${src} is NaN`);
  }
  assert.equal(run('number(n.output)', scope), 42);
  assert.equal(run("number('3') * 2", scope), 6);
  assert.equal(run("'3' * 2", scope), 6);
  assert.equal(run('number(true) + number(false)', scope), 1);
  // NaN is false and compares false: an empty output never passes for a count of 0.
  assert.equal(run('number(s.output) == 0', scope), false);
  assert.equal(run('number(s.output) > 0 or number(s.output) <= 0', scope), false);
  assert.equal(run("number(s.output) ? 'yes' : 'no'", scope), 'no');
});

test('find, sum and top read a table of rows', () => {
  const scope = {
    conf: { rows: [{ key: 'default_pool_size', value: '2' }, { key: 'max_client_conn', value: '3' }] },
    pools: { rows: [{ database: 'app_db', cl_waiting: 1, sv_active: 2 }, { database: 'pgbouncer', cl_waiting: 0, sv_active: 'x' }] },
  };
  assert.equal(run("number(find(conf.rows, 'key', 'max_client_conn').value)", scope), 3);
  assert.equal(run("find(conf.rows, 'key', 'nope')", scope), null);
  assert.equal(run("find(missing, 'key', 'x')", scope), null);
  assert.equal(run("sum(pools.rows, 'cl_waiting')", scope), 1);
  assert.equal(run("sum(pools.rows, 'sv_active')", scope), 2, 'a value that is not a number counts 0');
  assert.equal(run("sum([], 'x')", scope), 0);
  assert.equal(run("top(pools.rows, 'cl_waiting').database", scope), 'app_db');
  assert.equal(run("top([], 'x')", scope), null);
});

test('matches is linear in the text: a pattern that backtracks exponentially finishes at once on hostile output', () => {
  // `(\w+\s?)+$` and `(a+)+$` take 2^n steps in a backtracking engine on n characters that almost match: on these
  // texts that is never. The bound is CPU time of this process, 100× what it takes on an idle machine (~40 ms):
  // a hang guard that load cannot trip (issue #20).
  const hostile = `${'a'.repeat(20_000)}!`;
  const before = process.cpuUsage();
  assert.equal(run("text matches '(a+)+$'", { text: hostile }), false);
  assert.equal(run("text matches '^(\\\\w+\\\\s?)+$'", { text: `${'word '.repeat(5_000)}!` }), false);
  assert.equal(run("text matches '(a|aa)+b'", { text: hostile }), false);
  const cpu = process.cpuUsage(before);
  assert.ok((cpu.user + cpu.system) / 1000 < 4_000, `CPU ${(cpu.user + cpu.system) / 1000} ms`);
  // Ordinary patterns behave as before.
  assert.equal(run("'FATAL: sorry, too many clients already' matches 'too many (clients|connections)'"), true);
  assert.equal(run("'x' matches '^[a-z]{1,8}$'"), true);
});

test('a pattern the linear engine cannot run is refused with the reason, never run by backtracking', () => {
  for (const pattern of ['(a)\\\\1', '(?=a)a', '(?<=a)b', 'a{1,1000}']) {
    assert.throws(() => run(`'aa' matches '${pattern}'`), (e: unknown) => e instanceof ExpressionError
      && /invalid regular expression .*backreference.*lookaround.*counted repeat.*linear time/.test((e as Error).message), pattern);
  }
  assert.throws(() => run("'a' matches '('"), /invalid regular expression "\(": .*Unterminated group/);
});
