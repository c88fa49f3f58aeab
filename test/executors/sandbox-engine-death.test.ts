// Everything a step starts dies with the engine, dry run and real run alike: the engine (and its process group)
// is killed with SIGKILL while a step's pipeline runs, or one that signalled its own process group and ignores
// the signal; afterwards /proc holds nothing of the step's session. (A probe of stop 74:
// in a dry run bwrap's --new-session put the step in a session of its own, which the supervisor's lifeline
// never reached: `tail -f /dev/null | sleep 372` survived, ppid 1.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { procStat } from '../../src/executors/supervise.js';
import { sandboxAvailable } from '../../src/executors/sandbox.js';
import { BIN, scratch, until, writeRunbook } from '../hardening/helpers.js';
import { eventually } from '../helpers/poll.js';
import { rng } from '../helpers/rng.js';

/** The pids whose command line is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1') === want; } catch { return false; }
  });
}

/** The pids of session `sid`, live ones (a zombie is only waiting for its parent). */
function inSession(sid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => procStat(d)).filter((s) => s?.sid === sid && s.state !== 'Z').map((s) => s!.pid);
}

const random = rng(74);
const marker = (): string => String(100_000 + Math.floor(random() * 800_000)); // a sleep no other process runs

/** Proven reads that leave something running: the probe's pipeline, and one whose `timeout` signals a process
 *  group (its own since stop 76, when the sandbox let it take one; the supervisor's, lifeline included, before)
 *  while the step's other program ignores that signal. */
const steps = (n: string): Record<string, string> => ({
  pipeline: `tail -f /dev/null | sleep ${n}`,
  deaf: `timeout -s HUP 0.3 sleep 5 | nohup sleep ${n}`,
});

describe('a step dies with the engine', { skip: !sandboxAvailable() && 'no sandbox here' }, () => {
  for (const dry of [true, false]) {
    for (const kind of ['pipeline', 'deaf']) {
      it(`${dry ? 'dry run' : 'real run'}, ${kind}: kill -9 of the engine and its group leaves nothing of the step`, async (t) => {
        const dir = scratch(t);
        const n = marker();
        const file = writeRunbook(dir, 'crash', `name: crash\ntitle: Crash\nsteps:\n  - id: look\n    shell: ${steps(n)[kind]}\n  - { id: done, end: resolved, message: ok }\n`);
        const engine = spawn(process.execPath, [BIN, 'run', ...(dry ? ['--dry-run'] : []), '--plain', '--no-transcript', file], { cwd: dir, stdio: 'ignore', detached: true });
        t.after(() => { try { process.kill(-engine.pid!, 'SIGKILL'); } catch { /* gone */ } });
        const [sleeper] = await until(() => { const p = processesRunning(['sleep', n]); return p.length ? p : undefined; }, 60_000, `sleep ${n} to start`);
        const sid = procStat(sleeper!)!.sid;
        await new Promise((resolve) => setTimeout(resolve, 1000)); // timeout's signal is sent
        try { process.kill(-engine.pid!, 'SIGKILL'); } catch { /* the step's signal ended bwrap, so the run too */ }
        const gone = await eventually(() => inSession(sid).length === 0 && processesRunning(['sleep', n]).length === 0, 10_000);
        const left = [...new Set([...inSession(sid), ...processesRunning(['sleep', n])])];
        for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        assert.ok(gone, `left running: ${left.map((p) => `${p} ${readCmd(p)}`).join('; ')}`);
      });
    }
  }
});

const readCmd = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' '); } catch { return '?'; } };
