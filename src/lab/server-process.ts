// Spawns a database server, waits until its log says it is ready, and stops it.
// The server logs to stderr; we must keep draining it or the server blocks on a full pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import { trackResource } from './exit-hooks.js';
import { LabError } from './lab-error.js';
import { wrapCommand, type OsUser } from './run-as.js';
import { withPrivateFiles, type PrivateFiles } from './private-files.js';
import { labEnv } from '../secrets/credential-env.js';

export interface SpawnSpec {
  label: string;
  cmd: string;
  args: string[];
  user: OsUser | undefined;
  readyPattern: RegExp;
  /** Signal for a fast stop (data is thrown away, so no clean shutdown needed). */
  stopSignal: NodeJS.Signals;
  startTimeoutMs?: number;
  /** System files the server sees replaced by the lab's (a private mount namespace; root only). */
  privateFiles?: PrivateFiles;
}

export interface ServerProcess {
  pid: number;
  /** Last lines the server logged, for error messages. */
  /** The last `lines` (40) lines the server wrote. */
  logTail(lines?: number): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const TAIL_LINES = 40;
/** Lines kept for a test that reads what the server logged (labServerInfo): a read's own questions are logged too. */
const KEPT_LINES = 5000;

function collectLog(child: ChildProcess, onLine: (line: string) => void): (lines?: number) => string {
  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      onLine(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return (n = TAIL_LINES) => [...lines.slice(-n), partial].join('\n').trim();
}

export async function spawnServer(spec: SpawnSpec): Promise<ServerProcess> {
  const dropped = wrapCommand(spec.cmd, spec.args, spec.user);
  const [cmd, args] = spec.privateFiles ? withPrivateFiles(...dropped, spec.privateFiles) : dropped;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: labEnv() });
  let ready = false;
  let markReady: () => void = () => undefined;
  const readyOnce = new Promise<void>((resolve) => (markReady = resolve));
  const logTail = collectLog(child, (line) => {
    if (!ready && spec.readyPattern.test(line)) {
      ready = true;
      markReady();
    }
  });
  // A spawn failure emits 'error' and maybe never 'exit'; either means "gone".
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => ((spawnError = err), resolve()));
  });
  const untrack = trackResource({ killSync: () => signalChild(child, spec.stopSignal) });
  const handle = makeHandle(child, spec, exited, untrack, logTail);
  const describeExit = (): string =>
    spawnError?.message ?? `exited with code ${child.exitCode} signal ${child.signalCode}`;
  await waitReady(spec, readyOnce, exited, describeExit, logTail).catch(async (err: unknown) => {
    await handle.stop('SIGKILL');
    throw err;
  });
  detachFromEventLoop(child);
  return handle;
}

async function waitReady(
  spec: SpawnSpec,
  ready: Promise<void>,
  exited: Promise<void>,
  describeExit: () => string,
  logTail: (lines?: number) => string,
): Promise<void> {
  // A hang guard, not a speed check: ~1-3 s idle, but tests start several servers at once on a loaded machine
  // (frozen-server.test.ts starts six), and a slow start must not fail them (issue #20).
  const timeoutMs = spec.startTimeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome === 'ready') return;
  const why = outcome === 'timeout' ? `not ready after ${timeoutMs} ms` : describeExit();
  throw new LabError(`${spec.label} failed to start: ${why}\n--- server log ---\n${logTail()}`);
}

function makeHandle(
  child: ChildProcess,
  spec: SpawnSpec,
  exited: Promise<void>,
  untrack: () => void,
  logTail: (lines?: number) => string,
): ServerProcess {
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals = spec.stopSignal): Promise<void> => {
    stopping ??= (async () => {
      attachToEventLoop(child); // keep the process alive until the server is really gone
      signalChild(child, signal);
      const timer = setTimeout(() => signalChild(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      untrack();
    })();
    return stopping;
  };
  return { pid: child.pid ?? -1, logTail, stop };
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(signal);
  } catch {
    // Already gone.
  }
}

type Refable = { ref?: () => void; unref?: () => void } | null;

/** A forgotten server must not keep the process alive; exit hooks kill it instead. */
function detachFromEventLoop(child: ChildProcess): void {
  child.unref();
  for (const s of [child.stdout, child.stderr]) (s as unknown as Refable)?.unref?.();
}

function attachToEventLoop(child: ChildProcess): void {
  child.ref();
  for (const s of [child.stdout, child.stderr]) (s as unknown as Refable)?.ref?.();
}
