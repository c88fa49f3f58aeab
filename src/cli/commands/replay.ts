// `runbook replay <transcript>`: the recorded run again, in the terminal, for reviewing it together.
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../common/errors.js';
import { streamTranscript } from '../../transcript/reader.js';
import { replay } from '../../transcript/replay/play.js';
import { enterReader } from '../../transcript/replay/enter.js';
import { control, say, sayError, stdoutWidth } from '../say.js';

export async function replayCommand(path: string, opts: { speed: string; step?: boolean }): Promise<number> {
  const speed = Number(opts.speed);
  if (!Number.isFinite(speed) || speed < 0) throw new UserError(`--speed takes a number ≥ 0 (0: no pauses), got '${opts.speed}'`);
  // Streamed: a transcript of any size plays in bounded memory. Its first line is read (and a file that is no
  // transcript refused) before anything is shown.
  const transcript = streamTranscript(path);
  const first = transcript.next();
  const enter = opts.step ? enterReader(process.stdin) : undefined;
  try {
    await replay(prefixed(first, transcript), {
      speed, step: opts.step ?? false,
      write: say, width: stdoutWidth(),
      sleep: (ms) => sleep(ms),
      nextStep: async () => {
        sayError('— Enter: next step —');
        await enter?.next();
        control(clearPrompt());
      },
    });
  } finally {
    enter?.close();
  }
  return 0;
}

/** Remove the prompt again: on a terminal where Enter echoed a newline, the prompt is one line up. */
function clearPrompt(): string {
  if (!process.stderr.isTTY) return '\n';
  return process.stdin.isTTY ? '\x1b[1A\r\x1b[2K' : '\r\x1b[2K';
}

/** The stream again with its first step put back in front. */
function* prefixed<T, R>(first: IteratorResult<T, R>, rest: Generator<T, R>): Generator<T, R> {
  if (first.done) return first.value;
  yield first.value;
  return yield* rest;
}
