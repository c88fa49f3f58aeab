// `runbook report <transcript>`: the postmortem, as Markdown or JSON, to stdout or a file, written as the
// transcript is read (transcript/report/stream.ts): a transcript of any size.
import { batched, writeOutputPieces } from '../write-output.js';
import { reportPieces } from '../../transcript/report/stream.js';
import { say } from '../say.js';

export async function reportCommand(path: string, opts: { output?: string; format: 'markdown' | 'json'; force?: boolean }): Promise<number> {
  const pieces = reportPieces(path, opts.format);
  if (opts.output) {
    writeOutputPieces(opts.output, pieces, { force: opts.force ?? false });
    return 0;
  }
  for (const chunk of batched(pieces.next(), pieces)) say(chunk);
  return 0;
}

/** The report of the transcript at `path`, as the command prints it (before the terminal sanitizer, say.ts). */
export function reportText(path: string, format: 'markdown' | 'json'): string {
  return [...reportPieces(path, format)].join('');
}
