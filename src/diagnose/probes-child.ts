// The probes run as a child process of this build (`diagnose --json`) from another place: inside a process's
// namespaces (vantage.ts) or with its connections opened by another host (ssh-vantage.ts). The URL, and its
// password, reach it by the environment, never a command line another user can read in /proc.
import { spawn } from 'node:child_process';
import { UserError } from '../common/errors.js';
import type { Diagnosis } from './types.js';

/** Runs `argv` (which ends in this build's `diagnose --json`) with the URL in its environment; its diagnosis.
 *  `flag` names the place in a one-line error (`--from-pid 4711`). */
export function probesFrom(argv: string[], url: string, flag: string, env: Record<string, string> = {}): Promise<Diagnosis> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, DATABASE_URL: url } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => reject(new UserError(`${flag}: cannot start ${argv[0]} (${e.message})`)));
    child.on('close', (code) => {
      try { resolve(JSON.parse(out) as Diagnosis); } catch {
        reject(new UserError(`${flag}: the probes could not run from there (exit ${code}): ${err.trim().split('\n').pop() ?? 'no output'}`));
      }
    });
  });
}

/** This build's `diagnose --json` with the same limit: what a place runs. */
export const diagnoseArgv = (bin: string, timeout: string): string[] => [process.execPath, bin, 'diagnose', '--json', '--timeout', timeout];
