// The remote wrapper (executors/remote-wrapper.ts) around a script, run as sshd would run it: bash -c in a
// session of its own, stdin held open until it exits (the engine's side of the channel).
import { spawn } from 'node:child_process';
import { remoteWrapper } from '../../src/executors/remote-wrapper.js';

export interface Wrapped { status: number | null; stdout: string; stderr: string }

/** `env` is the whole environment the target gives the session; `cwd` where it starts. */
export async function runWrapped(script: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<Wrapped> {
  const w = remoteWrapper({ script, values: 0, envNames: [], cwd: false, handshake: 'hs' });
  const child = spawn('/usr/bin/setsid', ['-w', '/bin/bash', '-c', w, 'runbook'], { env, ...(cwd ? { cwd } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hang guard, not a synchronisation
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(guard);
  child.stdin!.end();
  return { status, stdout, stderr };
}
