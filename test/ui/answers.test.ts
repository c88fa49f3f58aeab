// Answers to manual and prompt steps, checked the same way in both modes; and who owns the keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkManual, checkPrompt } from '../../src/ui/answers.js';
import { patternWords } from '../../src/language/pattern-words.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { focusOf } from '../../src/ui/focus.js';
import { initialViewModel, type ViewModel } from '../../src/ui/view-model.js';

test('manual: done without choices; a choice by name or number with them', () => {
  assert.deepEqual(checkManual({ kind: 'manual', instructions: '' }, ''), { value: 'done' });
  assert.deepEqual(checkManual({ kind: 'manual', instructions: '' }, 'd'), { value: 'done' });
  assert.ok('error' in checkManual({ kind: 'manual', instructions: '' }, 'maybe'));
  const choices = { kind: 'manual' as const, instructions: '', choices: ['fixed', 'not-fixed'] };
  assert.deepEqual(checkManual(choices, 'not-fixed'), { value: 'not-fixed' });
  assert.deepEqual(checkManual(choices, '1'), { value: 'fixed' });
  assert.ok('error' in checkManual(choices, '3'));
});

test('prompt: default, whole-answer pattern, choices, required', () => {
  // Empty takes the default: passed on empty, the executor puts the real default in (a UI sees a secret one masked).
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', default: 'eu' }, ''), { value: '' });
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', default: '****', pattern: '[0-9]+', secret: true }, ''), { value: '' });
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', pattern: '[0-9]+' }, '42'), { value: '42' });
  assert.ok('error' in checkPrompt({ kind: 'prompt', message: 'm', pattern: '[0-9]+' }, '42a'));
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', choices: ['a', 'b'] }, '2'), { value: 'b' });
  assert.ok('error' in checkPrompt({ kind: 'prompt', message: 'm' }, ''));
});

test('prompt errors say what is expected in words: the runbook\'s expected text, else the pattern read out', () => {
  const error = (action: object, answer: string) => {
    const r = checkPrompt({ kind: 'prompt', message: 'm', ...action }, answer);
    return 'error' in r ? r.error : undefined;
  };
  assert.equal(error({ pattern: '[0-9]+' }, 'ten'), 'expected a whole number (digits only)');
  assert.equal(error({ pattern: 'INC-[0-9]{3,6}', expected: 'a ticket id such as INC-1234' }, 'x'), 'expected a ticket id such as INC-1234');
  // Every built-in runbook's patterns read out (none falls back to the regex).
  const words: [string, string][] = [
    ['(|(postgres|postgresql|mysql|mariadb)://.+)', "nothing, or: one of 'postgres', 'postgresql', 'mysql' or 'mariadb', then '://', then any text"],
    ['(|(postgres|postgresql)://.+)', "nothing, or: 'postgres' or 'postgresql', then '://', then any text"],
    ['^[0-9]+$', 'a whole number (digits only)'],
    ['(|[0-9]+(\\.[0-9]+)?)', 'nothing, or a number (digits, with or without a decimal part such as .5)'],
    ['[a-z]{3}-[0-9]{3}', "3 lower-case letters, then '-', then 3 digits"],
    ['(yes|no)', "'yes' or 'no'"],
    ['v?[0-9]+(\\.[0-9]+)*', "optionally 'v', then digits, then ('.', then digits) any number of times"],
    ['.*', 'any text, or nothing'],
  ];
  for (const [pattern, said] of words) assert.equal(patternWords(pattern), said, pattern);
  // Beyond the reader: the regex is the last resort, and validate asks the author for words.
  for (const pattern of ['(?=x)y', '[^a]+', 'a\\b']) assert.equal(patternWords(pattern), undefined, pattern);
  assert.equal(error({ pattern: '[^a]+' }, 'a'), 'expected text matching the pattern [^a]+');
  const yaml = (extra: string) => `name: p\ntitle: p\nsteps:\n  - id: ask\n    prompt: { message: m, pattern: '[^a]+'${extra} }\n  - id: done\n    end: resolved\n`;
  const warned = (text: string) => parseRunbook(text, 'p.yaml').diagnostics.filter((d) => d.code === 'pattern-in-words').length;
  assert.equal(warned(yaml('')), 1);
  assert.equal(warned(yaml(', expected: anything but a')), 0);
});

test('focus: one owner of the keys; an open note keeps them when a gate appears', () => {
  const vm = initialViewModel();
  const gate: ViewModel = { ...vm, gate: { type: 'confirmation-requested', stepId: 'x', title: 'x', command: 'c', question: 'q', risk: 'normal', resumed: false } };
  assert.equal(focusOf(vm, 'none'), 'idle');
  assert.equal(focusOf(gate, 'none'), 'gate');
  assert.equal(focusOf(gate, 'note'), 'note');
  assert.equal(focusOf(gate, 'abort'), 'abort');
  assert.equal(focusOf({ ...vm, questions: [{ type: 'question-asked', questionId: 'q', question: { stepId: 's', action: { kind: 'prompt', message: 'm' } } }] }, 'none'), 'prompt');
  assert.equal(focusOf({ ...gate, finished: { type: 'run-finished', outcome: 'aborted', message: '', durationMs: 0, steps: { ok: 0, failed: 0, skipped: 0 } } }, 'note'), 'finished');
});
