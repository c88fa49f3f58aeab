// Starts a step's supervisor (supervise.ts) with child_process.spawn itself. zx used to start it: its bash ran
// `exec <supervisor>`, one more bash process per step, and loading zx cost ~8 ms of every cold run (issue #32).
// What zx did for us is small and kept here: the input written (a Buffer, then ended) or piped (a stream), the
// output handed on chunk by chunk, and one settlement once the process exited and every pipe closed — with the
// spawn error, if any, as its cause (a missing working directory), never a rejection.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface StepExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  cause?: Error;             // the process could not be started (or its pipes failed)
}

export interface StepChild {
  child: ChildProcess;
  /** Settles after the exit and the close of every pipe (the lifeline included). Never rejects. */
  exited: Promise<StepExit>;
}

export interface StepSpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio: SpawnOptions['stdio'];
  input?: Buffer | Readable;
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

/** Spawns argv detached (the supervisor leads its own process group). */
export function spawnStep(argv: readonly string[], opts: StepSpawnOptions): StepChild {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: opts.stdio, detached: true, windowsHide: true });
  let cause: Error | undefined;
  const exited = new Promise<StepExit>((resolve) => {
    child.once('error', (e) => { cause ??= e; });
    child.once('close', (code, signal) => resolve({ exitCode: code, signal, ...(cause ? { cause } : {}) }));
  });
  // A script that exits before reading its values must not turn into an EPIPE crash here.
  child.stdin?.on('error', () => undefined);
  child.stdout?.on('data', opts.onStdout);
  child.stderr?.on('data', opts.onStderr);
  giveInput(child, opts.input);
  return { child, exited };
}

function giveInput(child: ChildProcess, input: Buffer | Readable | undefined): void {
  if (!input || !child.stdin || child.stdin.destroyed) return;
  if (Buffer.isBuffer(input)) child.stdin.end(input);
  else input.pipe(child.stdin);
}
