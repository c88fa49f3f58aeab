// `resume` run in this process (the resume command itself, as the CLI calls it), its plain output captured: the
// cut-and-resume tests resume hundreds of cut transcripts, where a CLI process each would cost ~0.1 s more.
import { resumeCommand } from '../../src/cli/commands/resume.js';

export interface Resumed { code: number | undefined; refused?: string; output: string }

/** Resumes `file` with --plain --yes (and `input`, --force); a refusal (a UserError) comes back as `refused`. */
export async function resumeHere(file: string, input: string[] = [], extra: { force?: boolean } = {}): Promise<Resumed> {
  let output = '';
  const writes = { out: process.stdout.write, err: process.stderr.write };
  // The UI waits for its last write's callback (flushed): called, as the stream would.
  const capture = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    output += chunk.toString();
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await resumeCommand(file, { input, approve: [], plain: true, yes: true, ...extra }), output };
  } catch (e) {
    return { code: undefined, refused: (e as Error).message, output };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
}
