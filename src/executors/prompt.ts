// prompt: ask the operator for a value; a wrong answer is asked again, up to MAX_TRIES times.
import { raceAbort } from '../db/abort.js';
import { abortedResult, failedResult } from './outcome.js';
import type { ExecContext, Executor, PromptAction, StepResult } from './types.js';
import { expectedAnswer } from '../language/pattern-words.js';

export const MAX_TRIES = 3;

export function createPromptExecutor(): Executor<PromptAction> {
  return { execute: runPrompt };
}

async function runPrompt(action: PromptAction, ctx: ExecContext): Promise<StepResult> {
  const startedAt = Date.now();
  let check: (answer: string) => string | undefined;
  try {
    check = validator(action);
  } catch (err) {
    return failedResult(ctx, startedAt, 'other', err);
  }
  let question = action;
  try {
    for (let tries = 1; tries <= MAX_TRIES; tries++) {
      const raw = await raceAbort(ctx.ask({ stepId: ctx.stepId, action: question }), ctx.signal);
      const value = raw === '' && action.default !== undefined ? action.default : raw;
      const problem = check(value);
      if (!problem) return { status: 'ok', durationMs: Date.now() - startedAt, value };
      // Say why, without echoing the answer (it may be a secret).
      question = { ...action, message: `${action.message} (the last answer ${problem})` };
    }
    return failedResult(ctx, startedAt, 'other', `no valid answer after ${MAX_TRIES} tries`);
  } catch (err) {
    return ctx.signal.aborted ? abortedResult(ctx, startedAt) : failedResult(ctx, startedAt, 'other', err);
  }
}

/** Why an answer is not acceptable, or undefined. A pattern must match the whole answer. */
function validator(action: PromptAction): (answer: string) => string | undefined {
  const pattern = action.pattern === undefined ? undefined : compile(action.pattern);
  return (answer) => {
    if (action.choices && !action.choices.includes(answer)) return `is not one of: ${action.choices.join(', ')}`;
    if (pattern && !pattern.test(answer)) return `is not ${expectedAnswer(action)}`;
    return undefined;
  };
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    throw new Error(`the prompt's pattern is not a valid regular expression: ${pattern}`);
  }
}
