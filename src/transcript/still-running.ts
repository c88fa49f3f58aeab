// A transcript whose run is still going must not be resumed: two processes would run the same steps.
// The last header or resumed line names the host and pid that write to it.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Transcript } from './reader.js';

/** The pid still writing this transcript, if it is alive on this host; undefined otherwise. */
export function writerStillRunning(t: Transcript): number | undefined {
  const last = lastWriter(t);
  if (last.host !== hostname() || last.pid === process.pid || !alive(last.pid)) return undefined;
  return last.pid;
}

/** The pid the transcript says writes it (the last header or resumed line), if that is on this host. */
export function lastWriterPid(t: Transcript): number | undefined {
  const last = lastWriter(t);
  return last.host === hostname() ? last.pid : undefined;
}

function lastWriter(t: Transcript): { host: string; pid: number } {
  const resumes = t.lines.filter((l) => l.type === 'resumed');
  return resumes[resumes.length - 1] ?? t.header;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Where we can tell, a reused pid that belongs to something else is not our run.
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('runbook'); } catch { return true; }
}
