// Last-resort cleanup: whatever is still registered when the process exits or is
// interrupted gets killed and deleted synchronously. Hooks are installed once.
import { rmSync } from 'node:fs';

interface Resource {
  /** Synchronous best-effort teardown (signals, rmSync). Must not throw. */
  killSync(): void;
}

const live = new Set<Resource>();
let installed = false;

export function trackResource(resource: Resource): () => void {
  installHooks();
  live.add(resource);
  return () => live.delete(resource);
}

/** Registers a directory to delete at exit; returns the unregister function. */
export function trackDir(dir: string): () => void {
  // Retries: a server killed a moment ago may still be writing into the dir.
  return trackResource({ killSync: () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }) });
}

/** Resources are torn down newest first so servers die before their dirs go. */
export function killAllSync(): void {
  for (const r of [...live].reverse()) {
    try {
      r.killSync();
    } catch {
      // Best effort: exit must not be blocked by one stubborn resource.
    }
    live.delete(r);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  // Our listener suppressed the default "die on signal"; restore it unless someone
  // else (e.g. the CLI) has their own handler and decides what happens next. Either
  // way the lab is torn down: a process that survives the signal cannot reuse it.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
