// Runs the real CLI (bin/runbook.js) as a child process and reads its transcript.
import { spawn } from 'node:child_process';
import { restoreOutputs } from '../../src/transcript/output-refs.js';
import type { TranscriptLine } from '../../src/events/schema.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_KILL_MS } from '../helpers/limits.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** stdin is closed, as in CI: any question the run asks stops it. */
/** `input`: written to the CLI's stdin, then closed (plain mode reads answers there); without it stdin is /dev/null. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
      cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(opts.input);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? CLI_KILL_MS); // a hang guard (limits.ts)
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

export type TranscriptEvent = { type: string; stepId?: string; answer?: string; outcome?: string; [k: string]: unknown };

export function readEvents(file: string): TranscriptEvent[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TranscriptEvent);
  // A finish line names a long output instead of repeating it: put it back, as every reader does.
  restoreOutputs(lines as unknown as TranscriptLine[]);
  return lines;
}

/** Every gate the run raised was answered, and nothing ran behind an unanswered one. */
export function gates(events: TranscriptEvent[]): { asked: string[]; answered: Record<string, string> } {
  const asked = events.filter((e) => e.type === 'confirmation-requested').map((e) => e.stepId!);
  const answered = Object.fromEntries(events.filter((e) => e.type === 'confirmation-answered').map((e) => [e.stepId!, e.answer!]));
  return { asked, answered };
}
