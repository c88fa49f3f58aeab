// One evidence record, two readers (issue #48): after diagnose classified a real fault, the dry run of the runbook it
// named must reach a step that advises on that class (src/diagnose/advice-steps.ts), and diagnose must read the same
// fault afterwards. Each real setup in test/diagnose calls this with its own URL.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adviceSteps } from '../../src/diagnose/advice-steps.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { runCliWithAnswers } from '../runbooks/answers.js';
import { readEvents } from '../runbooks/helpers.js';

export interface AdviceOptions {
  /** Inputs beside url (admin_url, backend_url, …). */
  inputs?: Record<string, string>;
  /** diagnose's limit for the second reading; the first reading's own, usually. */
  timeoutMs?: number;
  /** The advising steps, where the class's own are not the ones this setup reaches (say why at the call). */
  steps?: readonly string[];
  /** Answers to the run's questions, in order (plain mode reads them from stdin); none: the first question stops it. */
  answers?: string[];
}

/** What the dry run did: the steps it took (its ending last), and the advice it gave (questions' texts, the ending's
 *  message), for the caller to hold against its own evidence. */
export interface AdviceRun { path: string[]; advice: string }

/** Runs the named runbook's dry run at `url` and checks that its path reaches the class's advice. */
export async function assertAdviceAgrees(url: string, found: Diagnosis, opts: AdviceOptions = {}): Promise<AdviceRun> {
  assert.ok(found.runbook, `diagnose named no runbook for ${found.classification}`);
  const dir = mkdtempSync(join(tmpdir(), 'runbook-advice-'));
  try {
    const transcript = join(dir, 'dry-run.jsonl');
    const inputs = { url, ...opts.inputs };
    const r = await runCliWithAnswers(['run', found.runbook, '--dry-run', '--plain', '--transcript', transcript,
      ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])], opts.answers ?? []);
    const events = existsSync(transcript) ? readEvents(transcript) : [];
    const ended = events.find((e) => e.type === 'run-finished') as { stepId?: string; message?: string } | undefined;
    assert.ok(ended, `the dry run finished (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    const path = [...events.filter((e) => e.type === 'step-started').map((e) => String(e.stepId)), String(ended.stepId)];
    // The error's own text may name a more precise step than its class (an access rule's line): the table says which.
    const failed = found.checks.find((c) => c.status === 'failed');
    const advising = opts.steps ?? adviceSteps(found.classification, failed ? { sample: failed.summary } : undefined);
    assert.ok(path.some((s) => advising.includes(s)), `${found.classification}: the dry run of ${found.runbook} took ${path.join(' → ')}, none of ${advising.join(', ')}`);
    const again = await diagnose({ url, from: 'test' }, { timeoutMs: opts.timeoutMs ?? 10_000 });
    assert.equal(again.classification, found.classification, `the fault is as diagnose found it: ${again.finding}`);
    const asked = events.filter((e) => e.type === 'question-asked')
      .map((e) => { const q = (e as { question?: { action?: { instructions?: string; message?: string } } }).question; return q?.action?.instructions ?? q?.action?.message ?? ''; });
    return { path, advice: [...asked, ended.message ?? ''].join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
