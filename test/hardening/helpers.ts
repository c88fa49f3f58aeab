// Shared by the hardening tests: the real CLI as a child process, scratch directories, transcripts read
// line by line (long outputs put back into their finish lines as the format says: output-refs.ts), process trees
// from /proc, and a Markdown structure check.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { CLI_KILL_MS } from '../helpers/limits.js';
import { restoreOutputs } from '../../src/transcript/output-refs.js';
import type { TranscriptLine } from '../../src/events/schema.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');

export function scratch(t: TestContext | { after(fn: () => void): void }, prefix = 'runbook-hardening-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeRunbook(dir: string, name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }
export interface CliRun extends Promise<CliResult> { child: ChildProcessWithoutNullStreams; stdout(): string }

/** `node bin/runbook.js …` as an operator would start it. stdin is a pipe, closed at once unless keepStdin. */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string; keepStdin?: boolean; timeoutMs?: number } = {}): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.on('error', () => undefined); // the CLI may exit before reading it
  if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
  if (!opts.keepStdin) child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? CLI_KILL_MS); // a hang guard (limits.ts)
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
  }));
  return Object.assign(done, { child, stdout: () => stdout });
}

export type Line = { type: string; seq?: number; stepId?: string; [k: string]: unknown };

/** Every complete line of a transcript, parsed; a torn last line (a kill mid-write) is left out. */
export function transcriptLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  const raw = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const out: Line[] = [];
  raw.forEach((l, i) => {
    try { out.push(JSON.parse(l) as Line); } catch (e) { if (i !== raw.length - 1) throw new Error(`${file}:${i + 1} is not JSON: ${String(e)}`); }
  });
  // A finish line names a long output (size, sha256) instead of repeating it: put it back, as every reader does.
  restoreOutputs(out as unknown as TranscriptLine[]);
  return out;
}

export const finished = (lines: Line[]) => lines.find((l) => l.type === 'run-finished') as (Line & { outcome: string; message: string }) | undefined;

export { until } from '../helpers/poll.js';

/** Every process below pid (by walking /proc's parent links). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * What can go wrong when untrusted text lands in Markdown: a fence that never closes (or closes early),
 * a table row with more cells than its header, and `marker` lines escaping into the document (a heading or
 * HTML block an attacker wrote). Returns the problems found.
 */
export function markdownProblems(md: string, markers: RegExp[]): string[] {
  const problems: string[] = [];
  let fence: { ch: string; n: number; line: number } | undefined;
  let columns = 0;
  md.split('\n').forEach((line, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence.ch && f[1]!.length >= fence.n && line.trim() === f[1]) fence = undefined;
      return;
    }
    if (f) { fence = { ch: f[1]![0]!, n: f[1]!.length, line: i + 1 }; return; }
    if (line.startsWith('|')) {
      const cells = cellCount(line);
      if (/^\|[-| :]+\|$/.test(line)) return;
      if (columns === 0) columns = cells;
      else if (cells !== columns) problems.push(`line ${i + 1}: ${cells} cells, the table has ${columns}: ${line.slice(0, 120)}`);
    } else {
      columns = 0;
    }
    for (const m of markers) if (m.test(line)) problems.push(`line ${i + 1} escaped into the document: ${line.slice(0, 120)}`);
  });
  if (fence) problems.push(`the fence opened on line ${fence.line} never closes`);
  return problems;
}

/** Cells of a table row: GFM splits on every '|' not escaped with a backslash, code spans included. */
function cellCount(row: string): number {
  let cells = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') cells++;
  }
  return cells - 1;
}
