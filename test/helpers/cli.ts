// Runs the real CLI as a child process, the way an operator does.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_KILL_MS } from './limits.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function cli(args: string[], opts: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: CLI_KILL_MS, ...opts, env: { ...process.env, NO_COLOR: '1', ...opts.env } }); // a hang guard (limits.ts)
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
