// `runbook replay <transcript>`: the recorded run again, in the terminal, for reviewing it together.
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../common/errors.js';
import { readTranscript } from '../../transcript/reader.js';
import { replay } from '../../transcript/replay/play.js';
import { enterReader } from '../../transcript/replay/enter.js';
import { control, say, sayError } from '../say.js';

export async function replayCommand(path: string, opts: { speed: string; step?: boolean }): Promise<number> {
  const speed = Number(opts.speed);
  if (!Number.isFinite(speed) || speed < 0) throw new UserError(`--speed takes a number ≥ 0 (0: no pauses), got '${opts.speed}'`);
  const transcript = readTranscript(path);
  const enter = opts.step ? enterReader(process.stdin) : undefined;
  try {
    await replay(transcript, {
      speed, step: opts.step ?? false,
      write: say,
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
