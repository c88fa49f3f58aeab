// A proven step cannot start anything that outlives it, even a process that left the step's process group. GNU
// timeout (without --foreground) puts itself in a group of its own (setpgid), so in
// `timeout -s KILL 1 timeout 300 sleep N` the outer timeout SIGKILLs the inner one and sleep, in the inner's group,
// is orphaned to init: neither in the step's group nor its descendant. It outlived a real run. It stays in the
// step's session (the step is spawned detached: setsid), and every process of that session is ended when the step
// ends, however it ends. Checked here through /proc, with real runs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createShellExecutor } from '../../src/executors/shell.js';
import { LIFELINE_STDIO, supervisedArgv } from '../../src/executors/supervise.js';
import type { ShellAction } from '../../src/executors/types.js';
import { testContext } from './context.js';
import { until } from '../helpers/poll.js';

const shell = createShellExecutor();
const action = (script: string): ShellAction => ({ kind: 'shell', script, values: [], env: {} });
/** A sleep duration no other process here has: its command line marks it. */
const unique = (): string => `4242.${process.pid}${Math.floor(Math.random() * 1e6)}`;

/** Live processes whose command line is `sleep N`, read from /proc (a zombie has no command line). */
function sleeping(n: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try { return readFileSync(`/proc/${d}/cmdline`, 'latin1') === `sleep\0${n}\0` ? [Number(d)] : []; } catch { return []; }
  });
}

describe('a step ends every process of its session', () => {
  it('nested timeout: the orphaned sleep in a group of its own is ended when the step ends, and the step says so', async () => {
    const n = unique();
    const r = await shell.execute(action(`timeout -s KILL 1 timeout 300 sleep ${n} >/dev/null 2>&1 || true`), testContext());
    assert.equal(r.status, 'ok');
    assert.match(r.stderr ?? '', /the step left processes running in its session; they were ended/);
    // SIGKILL was sent before the result: gone at once, but for the kernel's reaping (a moment).
    await until(() => sleeping(n).length === 0, 2000, `sleep ${n} to be gone`);
  });

  it('the same when the step fails', async () => {
    const n = unique();
    const r = await shell.execute(action(`timeout -s KILL 1 timeout 300 sleep ${n} >/dev/null 2>&1`), testContext());
    assert.equal(r.status, 'failed');
    assert.match(r.stderr ?? '', /left processes running in its session/);
    await until(() => sleeping(n).length === 0, 2000, `sleep ${n} to be gone`);
  });

  it('the same when the step is stopped (its timeout) while it runs: the orphan is no descendant of the step', async () => {
    const n = unique();
    const ac = new AbortController();
    const ctx = { ...testContext({ signal: ac.signal }), limitMs: 60_000 };
    // Orphaned after 1 s; the step is stopped once it has been.
    ctx.onOutput = (stream, chunk) => {
      ctx.output.push({ stream, chunk });
      if (chunk.includes('orphaned')) ac.abort(Object.assign(new Error('step timed out'), { name: 'TimeoutError' }));
    };
    const r = await shell.execute(action(`timeout -s KILL 1 timeout 300 sleep ${n} >/dev/null 2>&1 || echo orphaned; sleep 30`), ctx);
    assert.equal(r.status, 'timeout');
    await until(() => sleeping(n).length === 0, 2000, `sleep ${n} to be gone`);
  });

  it('the same when the engine dies: the supervisor\'s watcher ends the session, not only the group', async () => {
    const n = unique();
    const [bash, ...args] = supervisedArgv('bash', ['bash', '-c', `timeout -s KILL 1 timeout 300 sleep ${n} >/dev/null 2>&1 || echo orphaned; sleep 30`]);
    const child = spawn(bash!, args, { detached: true, stdio: [...LIFELINE_STDIO] });
    const closed = new Promise((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => child.stdout!.on('data', (d) => { if (String(d).includes('orphaned')) resolve(); }));
    assert.equal(sleeping(n).length, 1, 'orphaned and running');
    (child.stdio[3] as Writable).destroy(); // the engine's end of the lifeline closes, as when it dies
    await closed;
    await until(() => sleeping(n).length === 0, 2000, `sleep ${n} to be gone`);
  });
});
