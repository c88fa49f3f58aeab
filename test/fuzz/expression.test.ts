// The expression language on random token soups and random scopes: the only exception it may throw is
// ExpressionError, and it never reads a property through a prototype. Scopes here inherit from poisoned
// prototypes: any value read through one comes back as LEAK, which no result may contain.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExpressionError, evaluate, parseExpression, parseTemplate, FUNCTIONS } from '../../src/language/expression/index.js';
import { renderParam, renderShell, renderTemplate, test as testExpression } from '../../src/engine/render.js';
import { scopeOf } from '../../src/engine/scope.js';
import type { StepResult } from '../../src/executors/types.js';
import { RUNS, check, summary } from './budget.js';

const LEAK = 'LEAKED-FROM-PROTOTYPE';
const NAMES = ['a', 'b', 'x', 'rows', 'output', 'inputs', 'steps', 'result', 'length', 'constructor', '__proto__', 'prototype',
  'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'toString', 'valueOf', 'toJSON', 'polluted', 'then', '0', '1', '$', '_'];
// Conversions (String(obj), JSON.stringify) legitimately look up these on any object; poisoning them would
// test JavaScript, not the expression language.
const CONVERSIONS = new Set(['toString', 'valueOf', 'toJSON']);

const poisoned = (base: object) => Object.create(base, Object.fromEntries(NAMES.filter((n) => !CONVERSIONS.has(n))
  .map((n) => [n, { value: LEAK, enumerable: true, writable: true }])));
/** Own data properties only (Object.assign would call a `__proto__` setter). */
const own = (target: object, entries: Record<string, unknown>) => {
  for (const [k, v] of Object.entries(entries)) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  return target;
};
const OBJECT_PROTO = poisoned(Object.prototype);
const ARRAY_PROTO = poisoned(Array.prototype);

/** JSON-like data whose objects and arrays sometimes inherit from a poisoned prototype. */
const { value: scopeValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, NaN, Infinity, '', 'a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '10', ' ', LEAK.slice(0, 4)),
    fc.string({ maxLength: 8 }), fc.double(),
    fc.tuple(fc.array(tie('value'), { maxLength: 4 }), fc.boolean()).map(([items, poison]) => (poison ? Object.setPrototypeOf(items, ARRAY_PROTO) : items)),
    fc.tuple(fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 4 }), fc.boolean())
      .map(([entries, poison]) => own(poison ? Object.create(OBJECT_PROTO) : {}, entries))),
}));
const scope = fc.tuple(fc.dictionary(fc.constantFrom(...NAMES), scopeValue, { maxKeys: 6 }), fc.boolean())
  .map(([entries, poison]) => own(poison ? Object.create(OBJECT_PROTO) : {}, entries) as Record<string, unknown>);

const TOKENS = [...NAMES, ...FUNCTIONS.keys(), 'true', 'false', 'null', 'and', 'or', 'not', 'in', 'contains', 'matches',
  '==', '===', '!=', '!==', '<', '<=', '>', '>=', '&&', '||', '!', '+', '-', '*', '/', '%', '.', '[', ']', '(', ')', ',', '?', ':',
  '0', '1', '2.5', '1e3', '99999999999999999999999', '"a"', "'b'", '"constructor"', '"__proto__"', '"\\n"', '"\\\\"', '"^a+$"', '"["',
  "'unterminated", '"', "'", '@', '#', '`', '\\', '{', '}', ';', '=', '&', '|', '${{', '}}', '$(', '\u0000', '\u2028', 'é', '😀'];

const soup = fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom('', ' ', ' ', '\n', '\t')), { minLength: 1, maxLength: 14 })
  .map((ts) => ts.map(([t, sep]) => t + sep).join(''));

/** Fails on any function or leaked value anywhere inside a result. */
function assertClean(v: unknown, seen = new Set<unknown>()): void {
  assert.notEqual(typeof v, 'function', 'an expression produced a function');
  if (typeof v === 'string') assert.ok(!v.includes(LEAK), `read through a prototype: ${JSON.stringify(v).slice(0, 120)}`);
  if (v && typeof v === 'object' && !seen.has(v)) {
    seen.add(v);
    for (const k of Object.keys(v)) assertClean((v as Record<string, unknown>)[k], seen);
  }
}

function onlyExpressionErrors(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExpressionError) return undefined;
    throw e;
  }
}

test(`token soups parse or fail with ExpressionError (${RUNS} cases)`, () => {
  check('expression parse', soup, (src) => {
    try {
      parseExpression(src);
    } catch (e) {
      assert.ok(e instanceof ExpressionError, `threw ${String(e)}`);
      assert.ok(e.pos >= 0 && e.pos <= src.length, `pos ${e.pos} outside 0..${src.length}`);
    }
  });
});

test(`token soups evaluate over random scopes: ExpressionError only, nothing read through a prototype (${RUNS} cases)`, () => {
  check('expression evaluate', fc.tuple(soup, scope), ([src, s]) => {
    const node = onlyExpressionErrors(() => parseExpression(src));
    if (node) assertClean(onlyExpressionErrors(() => evaluate(node as never, s)));
  });
});

test(`well-formed member reads never reach a prototype (${RUNS} cases)`, () => {
  // Soups rarely form long access paths; these always do.
  const path = fc.array(fc.oneof(fc.constantFrom(...NAMES).map((n) => /^[A-Za-z_$]/.test(n) ? `.${n}` : `[${n}]`),
    fc.constantFrom(...NAMES).map((n) => `[${JSON.stringify(n)}]`), fc.nat({ max: 3 }).map((i) => `[${i}]`)), { minLength: 1, maxLength: 5 });
  const expr = fc.tuple(fc.constantFrom('a', 'b', 'x', 'inputs', 'steps', 'result', 'constructor', '__proto__'), path,
    fc.constantFrom('', '.length', ' == "LEAKED-FROM-PROTOTYPE"', ' + ""', ' contains "L"'))
    .map(([root, p, tail]) => `${root}${p.join('')}${tail}`);
  check('member reads', fc.tuple(expr, scope), ([src, s]) => {
    const value = onlyExpressionErrors(() => evaluate(parseExpression(src), s));
    assertClean(value);
    if (src.endsWith('"LEAKED-FROM-PROTOTYPE"')) assert.equal(value, false, `${src} matched a prototype value`);
  });
});

test(`the engine's own scope (steps, captures, result) is read through own properties only (${RUNS} cases)`, () => {
  // Step results as the engine holds them, under hostile step ids and capture names.
  const result = fc.record({ status: fc.constantFrom('ok', 'failed'), durationMs: fc.nat(), stdout: fc.string({ maxLength: 6 }), rows: fc.array(scopeValue, { maxLength: 2 }) })
    .map((r) => r as unknown as StepResult);
  const data = fc.record({
    inputs: fc.dictionary(fc.constantFrom(...NAMES), scopeValue, { maxKeys: 3 }),
    results: fc.dictionary(fc.constantFrom(...NAMES), result, { maxKeys: 3 }),
    captures: fc.dictionary(fc.constantFrom(...NAMES.filter((n) => !['inputs', 'steps', 'result'].includes(n))), fc.constantFrom(...NAMES), { maxKeys: 3 }),
  });
  check('engine scope', fc.tuple(soup, data, fc.option(result)), ([src, d, r]) => {
    const node = onlyExpressionErrors(() => parseExpression(src));
    if (!node) return;
    const value = onlyExpressionErrors(() => evaluate(node as never, scopeOf(d, r ?? undefined)));
    assert.notEqual(typeof value, 'function', `${src} produced a function`);
    const name = /^[\s(]*(?:steps|inputs|result)?[\s.]*(constructor|__proto__|hasOwnProperty|toString|valueOf|isPrototypeOf|__defineGetter__)[\s)]*$/.exec(src)?.[1];
    if (name) assert.notEqual(value, (Object.prototype as unknown as Record<string, unknown>)[name], `${src} read Object.prototype.${name}`);
  });
});

test(`long chains and deep nesting fail with ExpressionError, never overflow the stack (${Math.ceil(RUNS / 10)} cases)`, () => {
  const chain = fc.tuple(fc.constantFrom(' + a', ' and a', ' or a', ' * 2', '.a', '[0]', ' - 1', ' == a ? a : a'), fc.constantFrom('', '-', '!', '(', 'not '),
    fc.integer({ min: 1, max: 20_000 }))
    .map(([op, prefix, n]) => `${prefix.repeat(prefix === '(' ? 0 : n % 3000)}a${op.repeat(n)}${prefix === '(' ? '' : ''}`);
  const nested = fc.integer({ min: 1, max: 5000 }).map((n) => `${'('.repeat(n)}a${')'.repeat(n)}`);
  check('long expressions', fc.tuple(fc.oneof(chain, nested), scope), ([src, s]) => {
    const node = onlyExpressionErrors(() => parseExpression(src));
    if (node) onlyExpressionErrors(() => evaluate(node as never, s));
    onlyExpressionErrors(() => renderTemplate(`\${{ ${src} }}`, s));
  }, Math.ceil(RUNS / 10));
});

test(`templates render or fail with ExpressionError, in text, values, shell and tests (${RUNS} cases)`, () => {
  const template = fc.array(fc.oneof(soup.map((s) => `\${{ ${s} }}`), fc.constantFrom('${{', '}}', '$(touch x)', "'", '"', 'text ', '\\')), { maxLength: 5 })
    .map((parts) => parts.join(''));
  check('templates', fc.tuple(template, scope), ([text, s]) => {
    onlyExpressionErrors(() => parseTemplate(text));
    assertClean(onlyExpressionErrors(() => renderTemplate(text, s)));
    assertClean(onlyExpressionErrors(() => renderParam(text, s)));
    const shell = onlyExpressionErrors(() => renderShell(text, s)) as ReturnType<typeof renderShell> | undefined;
    if (shell) {
      assertClean(shell);
      // Values travel beside the script, one per hole, never as script text (real bash checks this in shell.test.ts).
      assert.equal(shell.values.length, parseTemplate(text).filter((p) => p.kind === 'expr').length);
      assert.equal((shell.script.match(/\$\{RUNBOOK_V\d+\}/g) ?? []).length, shell.values.length);
      for (const v of shell.values) if (v.length >= 3 && shell.script.includes(v)) assert.ok(text.includes(v), `${JSON.stringify(v)} spliced into the script`);
    }
    onlyExpressionErrors(() => testExpression(text, s));
  });
});

after(() => console.log(summary()));
