// The shared harness of the tests that read a server's secrets through read steps (settings, views, variables):
// validate once, run real then dry, and the oracle — no form of a planted secret on the screen or in the record.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, type CliResult } from '../hardening/helpers.js';

/** A step's result as the transcript records it (the fields these tests read). */
export type Finished = { status?: string; withheld?: { because?: string[] }; rows?: unknown; error?: string; details?: { dryRun?: boolean } };

export const finished = (recorded: string, id: string): Finished | undefined => recorded.split('\n').filter(Boolean)
  .map((l) => JSON.parse(l) as { type: string; stepId?: string; result?: Finished })
  .find((l) => l.type === 'step-finished' && l.stepId === id)?.result;

/** Every form a generated read may return a secret in: as is, its case changed, reversed. */
export const forms = (s: string): string[] => [s, s.toUpperCase(), s.toLowerCase(), [...s].reverse().join(''), [...s.toLowerCase()].reverse().join('')];

/** Validates `file` (clean), then runs it for real and dry, each with its own transcript. */
export async function runRealAndDry(dir: string, file: string, each: (dry: boolean, r: CliResult, recorded: string) => void): Promise<void> {
  const v = await cli(['validate', file], { cwd: dir });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  for (const dry of [false, true]) {
    const transcript = join(dir, `t-${dry}.jsonl`);
    const r = await cli(['run', file, '--plain', '--transcript', transcript, ...(dry ? ['--dry-run'] : [])], { cwd: dir });
    assert.ok(existsSync(transcript), r.stdout + r.stderr);
    each(dry, r, readFileSync(transcript, 'utf8'));
  }
}

/** No form of any secret on the screen (its first 8 characters) or in the record (its first `recordChars`). */
export function assertNothingOf(secrets: string[], r: CliResult, recorded: string, dry: boolean, recordChars = Infinity): void {
  const run = dry ? 'dry' : 'real';
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      assert.ok(!r.stdout.includes(form.slice(0, 8)) && !r.stderr.includes(form.slice(0, 8)), `${form} on the screen (${run})`);
      assert.ok(!recorded.includes(form.slice(0, recordChars)), `${form} in the transcript (${run})`);
    }
  }
}

export const pick = <T>(next: () => number, options: readonly T[]): T => options[Math.floor(next() * options.length)]!;
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
/** A generated secret: its tag, then 11 characters no other text here spells. */
export const secretOf = (next: () => number, tag: string): string => tag + Array.from({ length: 11 }, () => pick(next, [...ALNUM])).join('');

/** A runbook of SQL reads on one connection, each going on to the next whatever it ended with, then resolved. */
export function chainedReads(name: string, title: string, url: string, queries: string[]): string {
  const lines = [`name: ${name}`, `title: ${title}`, 'connections:', `  su: { url: ${JSON.stringify(url)} }`, 'steps:'];
  queries.forEach((q, i) => {
    const next = i + 1 < queries.length ? `r${i + 1}` : 'done';
    lines.push(`  - id: r${i}`, `    sql: { connection: su, query: ${JSON.stringify(q)} }`, `    next: ${next}`, `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

/** Each generated read `r<i>` as it was meant to end: withheld where it reads what the engine does not mask,
 *  shown otherwise (and ok in a real run). */
export function assertEachRead(queries: { query: string; withheld: boolean }[], recorded: string, dry: boolean): void {
  const run = dry ? 'dry' : 'real';
  queries.forEach((q, i) => {
    const f = finished(recorded, `r${i}`);
    if (q.withheld) return assert.ok(f?.withheld?.because?.length, `${q.query} is withheld (${run}): ${JSON.stringify(f)}`);
    assert.equal(f?.withheld, undefined, `${q.query} is shown (${run}): ${JSON.stringify(f)}`);
    if (!dry) assert.equal(f?.status, 'ok', `${q.query} ran: ${JSON.stringify(f)}`);
  });
}
