import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import type { PromptAction } from '../../src/executors/types.js';
import { testContext } from './context.js';

const executors = createExecutors();
const prompt = (extra: Partial<PromptAction> = {}): PromptAction => ({ kind: 'prompt', message: 'Which replica?', ...extra });

describe('manual executor', () => {
  it('asks the operator and returns the answer', async () => {
    const ctx = testContext({ answers: ['fixed'] });
    const action = { kind: 'manual' as const, instructions: 'Restart the pooler', choices: ['fixed', 'not-fixed'] };
    const r = await executors.execute(action, ctx);
    assert.equal(r.status, 'ok');
    assert.equal(r.value, 'fixed');
    assert.deepEqual(ctx.questions, [{ stepId: 'test-step', action }]);
  });

  it('returns aborted when the engine aborts while waiting', async () => {
    const ac = new AbortController();
    const ctx = testContext();
    ctx.ask = () => new Promise(() => undefined); // the operator never answers
    setTimeout(() => ac.abort(new Error('operator quit')), 50);
    const r = await executors.execute({ kind: 'manual', instructions: 'x' }, { ...ctx, signal: ac.signal });
    assert.equal(r.status, 'aborted');
  });
});

describe('prompt executor', () => {
  it('returns a valid answer', async () => {
    const r = await executors.execute(prompt({ pattern: '[a-z]+-[0-9]' }), testContext({ answers: ['db-2'] }));
    assert.deepEqual([r.status, r.value], ['ok', 'db-2']);
  });

  it('uses the default for an empty answer', async () => {
    const r = await executors.execute(prompt({ default: 'db-1' }), testContext({ answers: [''] }));
    assert.equal(r.value, 'db-1');
  });

  it('asks again after a bad answer, saying why without echoing it', async () => {
    const ctx = testContext({ answers: ['db-9x', 'db-3'] });
    const r = await executors.execute(prompt({ pattern: 'db-[0-9]', secret: true }), ctx);
    assert.deepEqual([r.status, r.value], ['ok', 'db-3']);
    assert.equal(ctx.questions.length, 2);
    const second = ctx.questions[1]!.action as PromptAction;
    assert.match(second.message, /^Which replica\? \(the last answer is not 'db-', then a digit\)$/);
    assert.ok(!second.message.includes('db-9x'));
  });

  it('fails after three bad answers', async () => {
    const ctx = testContext({ answers: ['x', 'y', 'z', 'primary'] });
    const r = await executors.execute(prompt({ choices: ['primary', 'replica'] }), ctx);
    assert.equal(r.status, 'failed');
    assert.equal(ctx.questions.length, 3);
    assert.equal(r.error, 'no valid answer after 3 tries');
  });

  it('fails on an invalid pattern without asking', async () => {
    const ctx = testContext({ answers: ['a'] });
    const r = await executors.execute(prompt({ pattern: '(' }), ctx);
    assert.equal(r.status, 'failed');
    assert.equal(ctx.questions.length, 0);
  });
});

describe('createExecutors', () => {
  it('fails an unknown action kind instead of throwing', async () => {
    const r = await executors.execute({ kind: 'teleport' } as never, testContext());
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /unknown action kind 'teleport'/);
  });

  it('close() is idempotent', async () => {
    const set = createExecutors();
    await Promise.all([set.close(), set.close()]);
    await set.close();
  });
});
