// A stop signal that reaches a run while its process ends, after its end was written (a supervisor's SIGTERM, a
// terminal's SIGHUP as the run finishes), must not kill it by the signal: the run ends with its own code. Left to
// Node's teardown, the signal handlers closed a few milliseconds before the process was gone, and a signal then
// killed it outright (seen by the chaos test in CI: "died of SIGTERM (not exit 75) with its transcript already
// written"). Here each run is signalled 0 to 29 ms after it printed its end, both signals, sixty times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';

const TRIALS = 60;

test('a run signalled while it exits ends with its own code, never by the signal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-exit-signal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const runbook = join(dir, 'one.yaml');
  writeFileSync(runbook, 'name: one\ntitle: One step\nsteps:\n  - id: a\n    destructive: false\n    safe_because: prints a letter\n    shell: echo a\n  - id: done\n    end: resolved\n');
  const ends: string[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const signal = i % 2 === 0 ? 'SIGTERM' : 'SIGHUP';
    ends.push(await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'run', runbook, '--plain', '--transcript', join(dir, `t${i}.jsonl`)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!sent && /finished resolved/.test(out)) { sent = true; setTimeout(() => child.kill(signal), Math.floor(i / 2)); }
      });
      child.on('exit', (code, sig) => resolve(sig ? `${signal} sent: died of ${sig}` : `${signal} sent: exit ${code}`));
    }));
  }
  const died = ends.filter((e) => e.includes('died'));
  assert.deepEqual(died, [], `${died.length} of ${TRIALS} died by the signal`);
  // The run had ended resolved, and says so: exit 0 (a signal before its end would be 75; none came that early).
  assert.ok(ends.every((e) => /exit 0$/.test(e)), ends.filter((e) => !/exit 0$/.test(e)).join('\n'));
});
