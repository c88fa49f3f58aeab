// The harness of the kept-files tests (kept-files, path-reach): generated proven reads run as one runbook through
// the real CLI, real or dry; none of a secret's forms may reach the screen or the transcript.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, transcriptLines, writeRunbook } from '../hardening/helpers.js';

/** A read: its shell text, and where it names its file by a value, the value (`${{ inputs.f }}` in the text). */
export interface Read { run: string; input?: string }
export interface Recorded { status: string; withheld?: { because: string[] } }

const yamlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Step `s<i>` runs reads[i] (each value read with an input of its own); validate must find 0 errors. */
export async function runReads(dir: string, name: string, reads: Read[], mode: 'real' | 'dry', forms: string[]): Promise<{ finished: Map<string, Recorded>; stdout: string }> {
  const all = reads.map((s, i) => ({ run: s.input ? s.run.replace('inputs.f', `inputs.f${i}`) : s.run, value: s.input, input: `f${i}` }));
  const inputs = all.flatMap((s) => (s.value ? [`  ${s.input}: { default: ${yamlString(s.value)} }\n`] : [])).join('');
  const steps = all.map((s, i) => `  - id: s${i}\n    shell: ${yamlString(s.run)}\n`).join('');
  const file = writeRunbook(dir, name, `name: ${name}\ntitle: ${name}\n${inputs ? `inputs:\n${inputs}` : ''}steps:\n${steps}  - { id: done, end: resolved, message: ok }\n`);
  const v = await cli(['validate', file], { cwd: dir });
  assert.match(v.stdout + v.stderr, /0 errors/, `every generated read validates clean (a proven read): ${v.stdout}${v.stderr}`);
  const transcript = join(dir, 'run.jsonl');
  const r = await cli(['run', file, '--plain', '--transcript', transcript, ...(mode === 'dry' ? ['--dry-run'] : [])], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const written = readFileSync(transcript, 'utf8');
  for (const form of forms) {
    assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form), `${form} on the screen:\n${r.stdout}`);
    assert.ok(!written.includes(form), `${form} in the transcript`);
  }
  const finished = new Map(transcriptLines(transcript).filter((l) => l.type === 'step-finished').map((l) => [l.stepId as string, l.result as Recorded]));
  return { finished, stdout: r.stdout };
}
