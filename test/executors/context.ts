// A test ExecContext: records output, answers questions from a script, masks with a real Redactor.
import { Redactor } from '../../src/secrets/redactor.js';
import type { ExecContext, Question } from '../../src/executors/types.js';

export interface TestContext extends ExecContext {
  output: { stream: 'stdout' | 'stderr'; chunk: string }[];
  questions: Question[];
  redactor: Redactor;
}

export function testContext(opts: { signal?: AbortSignal; answers?: string[]; secrets?: string[] } = {}): TestContext {
  const redactor = new Redactor();
  for (const s of opts.secrets ?? []) redactor.add(s);
  const answers = [...(opts.answers ?? [])];
  const ctx: TestContext = {
    stepId: 'test-step',
    signal: opts.signal ?? new AbortController().signal,
    output: [],
    questions: [],
    redactor,
    onOutput(stream, chunk) { ctx.output.push({ stream, chunk }); },
    async ask(question) {
      ctx.questions.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no scripted answer left');
      return answer;
    },
    mask: (text) => redactor.mask(text),
  };
  return ctx;
}

/** A signal the engine would abort on timeout: reason is an Error named TimeoutError. */
export function timeoutSignal(ms: number): AbortSignal {
  const ac = new AbortController();
  setTimeout(() => {
    const reason = new Error('step timed out');
    reason.name = 'TimeoutError';
    ac.abort(reason);
  }, ms).unref();
  return ac.signal;
}
