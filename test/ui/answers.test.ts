// Answers to manual and prompt steps, checked the same way in both modes; and who owns the keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkManual, checkPrompt } from '../../src/ui/answers.js';
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
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', default: 'eu' }, ''), { value: 'eu' });
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', pattern: '[0-9]+' }, '42'), { value: '42' });
  assert.ok('error' in checkPrompt({ kind: 'prompt', message: 'm', pattern: '[0-9]+' }, '42a'));
  assert.deepEqual(checkPrompt({ kind: 'prompt', message: 'm', choices: ['a', 'b'] }, '2'), { value: 'b' });
  assert.ok('error' in checkPrompt({ kind: 'prompt', message: 'm' }, ''));
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
