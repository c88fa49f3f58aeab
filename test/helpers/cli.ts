// Runs the real CLI as a child process, the way an operator does.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function cli(args: string[], opts: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, ...opts, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
