// A run killed -9 at its question (the check's result is on the record), something done meanwhile, then resumed
// approving the act: how the resumed-check tests (resumed-resolved, resumed-routes) stop and resume a run.
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { cli, finished, scratch, transcriptLines, until, writeRunbook } from '../hardening/helpers.js';

/** The resume's output, the transcript's lines and its ending. The runbook asks a question, then has a step `act`. */
export async function killedAtQuestionAndResumed(t: TestContext, yaml: string, meanwhile: () => Promise<unknown> = async () => undefined) {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'r', yaml);
  const transcript = join(dir, 't.jsonl');
  const run = cli(['run', file, '--plain', '--transcript', transcript], { cwd: dir, keepStdin: true });
  await until(() => transcriptLines(transcript).some((l) => l.type === 'question-asked'), 60_000, 'the question');
  run.child.kill('SIGKILL');
  await run;
  await meanwhile();
  const r = await cli(['resume', transcript, '--plain', '--approve', 'act'], { cwd: dir, stdin: 'done\n' });
  const lines = transcriptLines(transcript);
  return { r, lines, end: finished(lines) };
}
