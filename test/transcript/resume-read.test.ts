// Issue #51: resume reads its transcript streamed (transcript/resume-read.ts), keeping the run's state but not
// its output. The whole-file reading (readTranscript) is the reference: whatever resume decides from a transcript
// — where it continues and with what results, captures, visits and loop progress (or why it refuses), the targets,
// sessions and processes it checks, the run id, last seq, last writer, runbook and called files — must be the
// same from both readings. On every prefix of real runs (torn or not), and on generated transcripts (seeded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript, lastSeqOf, type Transcript } from '../../src/transcript/reader.js';
import { readForResume } from '../../src/transcript/resume-read.js';
import { findResumePoint, type LoadCalled } from '../../src/resume/point.js';
import { recordedTargets } from '../../src/transcript/recorded-targets.js';
import { runIdOf } from '../../src/transcript/run-state.js';
import { lastWriterPid } from '../../src/transcript/still-running.js';
import { recordedSha256 } from '../../src/transcript/recorded-runbook.js';
import { processesInFlight } from '../../src/transcript/orphans.js';
import { calledLoader, checkCalledFiles, recordedCallees } from '../../src/resume/callees.js';
import type { RunbookDoc } from '../../src/language/schema.js';
import { rng } from '../helpers/rng.js';
import { resumeHere } from './resume-here.js';
import { EVERYTHING_SCRIPT, cli, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

const attempt = <T>(f: () => T): { ok: T } | { refused: string } => {
  try { return { ok: f() }; } catch (e) { return { refused: (e as Error).message }; }
};

/** Everything resume decides from a transcript (continue-run.ts), as plain values. */
function rebuild(t: Transcript, doc: RunbookDoc, load: LoadCalled): unknown {
  const forced: unknown[] = [];
  const point = (force: boolean) => attempt(() => findResumePoint(t, doc, { loadCalled: load, force, onForced: (c) => forced.push(c) }));
  return {
    header: t.header, torn: t.torn, problems: t.problems, endsClean: t.endsClean, tornTail: t.tornTail, lastSeq: lastSeqOf(t),
    point: point(false), forcedPoint: point(true), forced,
    targets: attempt(() => { const r = recordedTargets(t); return [[...r.fingerprints], [...r.addresses], [...r.sessions]]; }),
    runId: runIdOf(t), writer: lastWriterPid(t), sha256: recordedSha256(t), callees: [...recordedCallees(t)],
    calledFiles: attempt(() => checkCalledFiles(t, [], true)), processes: processesInFlight(t),
  };
}

function same(file: string, doc: RunbookDoc, what: string, load?: LoadCalled): void {
  const whole = readTranscript(file);
  const loader = load ?? calledLoader(recordedCallees(whole));
  assert.deepEqual(rebuild(readForResume(file), doc, loader), rebuild(whole, doc, loader), what);
}

/** Every prefix of `file`, alternately cut clean and with the next line half written. */
function everyPrefix(file: string, doc: RunbookDoc, dir: string): number {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const cut = join(dir, 'cut.jsonl');
  for (let n = 1; n <= lines.length; n++) {
    const next = lines[n];
    const torn = n % 2 === 1 && next !== undefined;
    writeFileSync(cut, `${lines.slice(0, n).join('\n')}\n${torn ? next.slice(0, Math.floor(next.length / 2)) : ''}`);
    same(cut, doc, `the first ${n} lines${torn ? ' and half of the next' : ''} of ${file}`);
  }
  return lines.length;
}

test('resume decides the same from the streamed reading as from the whole file: every prefix of real runs, torn or not', async (t) => {
  const dir = scratch(t);
  const everything = loadRunbookFile(fixture('everything'));
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(everything, { dir }, file, EVERYTHING_SCRIPT);
  assert.ok(everyPrefix(file, everything.doc, dir) > 40);
  // A runbook that calls another (nested lines, a called-runbook line, the header's calls).
  const caller = join(dir, 'caller.jsonl');
  const r = await cli(['run', fixture('caller'), '--plain', '--transcript', caller, '--input', `counter=${join(dir, 'counter')}`]);
  assert.equal(r.code, 0, r.stderr);
  everyPrefix(caller, loadRunbookFile(fixture('caller')).doc, dir);
});

// Generated transcripts: the steps a resume walks, revisited, retried, skipped, looped, called, resumed and
// interrupted in any order, with outputs long enough to be named by their finish (some torn or lost).
const ids = ['a', 'b', 'loop', 'call', 'call/x', 'call/y', 'gone', 'fin'];
const shell = (id: string, extra: object = {}) => ({ id, shell: 'true', destructive: false, safe_because: 'test', ...extra });
const DOC = { name: 'gen', title: 'Gen', steps: [shell('a', { capture: 'ra' }), shell('b'), shell('loop', { for_each: { in: '[1, 2, 3]' } }),
  { id: 'call', runbook: { name: './inner.yaml' } }, { id: 'fin', end: 'resolved', message: 'done' }] } as unknown as RunbookDoc;
const INNER = { name: 'inner', title: 'Inner', steps: [shell('x', { capture: 'rx' }), shell('y'), { id: 'e', end: 'resolved', message: 'in' }] } as unknown as RunbookDoc;
const loadInner: LoadCalled = () => ({ doc: INNER, file: '/gen/inner.yaml', sha256: 'a'.repeat(64) });

function generated(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const id = () => pick(ids);
  let seq = 0;
  const out: string[] = [];
  const put = (o: object) => out.push(JSON.stringify({ ...o, seq: seq++, ts: '2026-11-28T13:00:00.000Z' }));
  const runbook = { name: 'gen', title: 'Gen', file: '/gen/gen.yaml', sha256: '0'.repeat(64) };
  put({ type: 'header', format: 1, runId: `gen-${seed}`, runbook, engineVersion: '0', operator: 'op', host: 'elsewhere', pid: 1, inputs: {}, argv: [] });
  put({ type: 'run-started', runId: `gen-${seed}`, runbook, inputs: {}, dryRun: r() < 0.1 });
  const text = new Map<string, string>();
  const chunk = () => (r() < 0.2 ? 'é€' : 'x').repeat(Math.floor(r() * 1500));
  const result = (stdout: string | undefined) => ({ status: pick(['ok', 'ok', 'failed', 'aborted']), durationMs: 1, ...(stdout !== undefined ? { stdout } : {}) });
  /** A finish's result and output refs, as the writer names long output (now and then wrongly: lost lines). */
  const finish = (s: string) => {
    const t = text.get(s) ?? '';
    text.set(s, '');
    if (r() < 0.3) return { result: result(r() < 0.5 ? t : undefined) };
    if (Buffer.byteLength(t) <= 1024) return { result: result(t) };
    const sha256 = createHash('sha256').update(r() < 0.15 ? `${t}!` : t).digest('hex');
    return { result: result(undefined), output: { stdout: { bytes: Buffer.byteLength(t), sha256 } } };
  };
  const n = 10 + Math.floor(r() * 150);
  for (let i = 0; i < n; i++) {
    const s = id();
    const k = r();
    if (k < 0.15) { text.set(s, ''); put({ type: 'step-started', stepId: s, title: s, kind: 'shell', attempt: r() < 0.8 ? 1 : 2, destructive: r() < 0.5 }); }
    else if (k < 0.4) { const c = chunk(); text.set(s, (text.get(s) ?? '') + c); put({ type: 'step-output', stepId: s, stream: 'stdout', chunk: c }); }
    else if (k < 0.55) put({ type: 'step-finished', stepId: s, attempt: 1, ...(r() < 0.2 ? { willRetry: true } : {}), ...finish(s) });
    else if (k < 0.6) put({ type: 'step-skipped', stepId: s, reason: pick(['condition', 'operator', 'dry-run']) });
    else if (k < 0.7) put({ type: 'branch', from: s, to: id(), via: 'next' });
    else if (k < 0.72) { // a visit of the loop: its items finish (again, after a resume; or cut short)
      put({ type: 'branch', from: id(), to: 'loop', via: 'next' });
      put({ type: 'step-started', stepId: 'loop', title: 'loop', kind: 'shell', attempt: 1, destructive: true });
      put({ type: 'loop-started', stepId: 'loop', items: [0, 1, 2].map((index) => ({ index, label: `i${index}`, value: index })) });
      for (let j = Math.floor(r() * 5); j > 0; j--) {
        const c = chunk();
        text.set('loop', (text.get('loop') ?? '') + c);
        put({ type: 'step-output', stepId: 'loop', stream: 'stdout', chunk: c });
        const f = finish('loop');
        put({ type: 'item-finished', stepId: 'loop', index: Math.floor(r() * 3), label: 'i', result: f.result, ...(f.output ? { output: f.output } : {}) });
      }
    } else if (k < 0.74) put({ type: 'loop-started', stepId: 'loop', items: [0, 1, 2].map((index) => ({ index, label: `i${index}`, value: index })) });
    else if (k < 0.84) { const f = finish('loop'); put({ type: 'item-finished', stepId: 'loop', index: Math.floor(r() * 3), label: 'i', result: f.result, ...(f.output ? { output: f.output } : {}) }); }
    else if (k < 0.87) put({ type: 'resumed', stepId: s, phase: pick(['enter', 'route']), operator: 'op', host: 'elsewhere', pid: 2 + i, engineVersion: '0', argv: [], sha256: pick(['0', '1']).repeat(64) });
    else if (k < 0.9) put({ type: 'run-finished', outcome: r() < 0.85 ? 'interrupted' : 'resolved', message: '', durationMs: 1, steps: { ok: 0, failed: 0, skipped: 0 } });
    else if (k < 0.92) put({ type: 'run-started', runId: `gen-${seed}`, runbook, inputs: {}, dryRun: false, ...(r() < 0.7 ? { resumedFrom: 'x' } : {}) });
    else if (k < 0.94) put({ type: 'called-runbook', stepId: 'call', runbook: { name: 'inner', file: '/gen/inner.yaml', sha256: pick(['a', 'b']).repeat(64) } });
    else if (k < 0.96) put({ type: 'step-process', stepId: s, pid: 1 + i, pgid: 1 + i, bootId: 'gone' });
    else if (k < 0.98) put({ type: 'step-session', stepId: s, connection: 'db', session: { engine: 'postgres', backend: i, started: '1', server: 'srv' } });
    else put({ type: 'target-identified', stepId: s, connection: 'db', target: { engine: 'postgres', host: `h${i}`, server: 'srv' } });
  }
  const body = out.join('\n');
  const end = r();
  if (end < 0.3) return `${body}\n`;
  if (end < 0.6) return body.slice(0, body.length - Math.floor(r() * out[out.length - 1]!.length)); // the last line torn
  return `${body}\n`.replace(/\n(?=[^\n]*\n[^\n]*$)/, '\n{"type":"step-fin\n'); // a line cut short that the run went on after
}

test('resume decides the same from the streamed reading as from the whole file: 600 generated transcripts', (t) => {
  const dir = scratch(t);
  const file = join(dir, 'gen.jsonl');
  let refused = 0;
  let restored = 0;
  let dropped = 0;
  let problems = 0;
  for (let seed = 1; seed <= 600; seed++) {
    writeFileSync(file, generated(seed));
    const whole = readTranscript(file);
    const ok = rebuild(whole, DOC, loadInner) as { point: { refused?: string } };
    if (ok.point.refused) refused++;
    if (whole.lines.some((l) => l.type === 'step-finished' && l.output && typeof l.result.stdout === 'string')) restored++;
    same(file, DOC, `generated transcript ${seed}`, loadInner);
    problems += whole.problems.length;
    // Output a later result replaced was dropped (the lines differ beyond the output lines left out).
    const text = (t: Transcript) => JSON.stringify(t.lines.filter((l) => l.type !== 'step-output'));
    if (text(readForResume(file)) !== text(whole)) dropped++;
  }
  assert.ok(problems < 700, `${problems} lines unreadable in all (one a transcript at most is planted)`);
  assert.ok(dropped > 200, `${dropped} transcripts with a replaced result's output dropped`);
  // The cases are mixed: some refused, most not; finishes that named their output restored from it.
  assert.ok(refused > 20 && refused < 580, `refused ${refused} of 600`);
  assert.ok(restored > 100, `${restored} transcripts with output restored into a finish`);
});

test('a transcript of 140,000 lines resumes: the last seq is counted, not spread into Math.max (which overflowed the stack)', async (t) => {
  const dir = scratch(t);
  const rb = join(dir, 'two.yaml');
  const out = join(dir, 'out');
  writeFileSync(rb, ['name: two', 'title: Two steps', 'steps:',
    ...['one', 'two'].flatMap((id) => [`  - id: ${id}`, '    destructive: false', "    safe_because: writes only the test's own file", `    shell: echo ${id} >> ${out}`]),
    '  - id: done', '    end: resolved', '    message: done'].join('\n') + '\n');
  const file = join(dir, 'run.jsonl');
  const r = await cli(['run', rb, '--plain', '--transcript', file]);
  assert.equal(r.code, 0, r.stderr);
  // Cut after step one finished (and branched), as a kill would leave it, then 140,000 notes the run wrote there.
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const cut = lines.findIndex((l) => l.includes('"type":"branch"') && l.includes('"from":"one"'));
  let seq = (JSON.parse(lines[cut]!) as { seq: number }).seq;
  const notes = Array.from({ length: 140_000 }, () => JSON.stringify({ type: 'note', seq: ++seq, ts: '2026-11-28T13:00:00.000Z', text: 'still here', by: 'op' }));
  writeFileSync(file, `${[...lines.slice(0, cut + 1), ...notes].join('\n')}\n`);
  writeFileSync(out, 'one\n');
  const resumed = await resumeHere(file);
  assert.equal(resumed.refused, undefined, resumed.output);
  assert.equal(resumed.code, 0, resumed.output);
  assert.equal(readFileSync(out, 'utf8'), 'one\ntwo\n', 'step two ran once, step one not again');
});
