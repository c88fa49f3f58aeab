// A real run's proven read, as root, runs in the shield (executors/shield.ts), which now loads the sandbox's filter
// on system calls but setns (nsenter needs it). A probe of stop 75 had a lint gap start `setsid -f sleep N` in a real run: it outlived the run,
// and the step, root, could signal any root process. Each call of the filter's table is made for real by the
// probe (fixtures/syscall-probe.c) in the shield and outside it; then what an operator's step does with it:
// setsid refused and nothing left behind, another root process not signalled, timeout as outside.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { shielded } from '../../src/executors/shield.js';
import { answers, asRoot, LEFT, REFUSED_CALLS, setup, skipNoCc, type Wall } from './syscall-probe.js';
import { rng } from '../helpers/rng.js';

const tools = ['bwrap', 'unshare', 'nsenter'].every((t) => spawnSync('which', [t]).status === 0);
const skip = !asRoot || !tools ? 'needs root, bwrap, unshare and nsenter (the shield is root\'s)' : false;
const KEPT = new Map([['setns', 'nsenter joins the step\'s namespace after the filter is loaded']]);

const shield: Wall = { name: 'shield', wrap: (argv, cwd) => shielded(argv, cwd) ?? assert.fail('no shield here') };

/** Runs `script` in the shield in a session of its own (as the engine spawns a step): its exit code and output. */
function inShield(script: string): Promise<{ code: number | null; out: string }> {
  const argv = shielded(['bash', '-c', script], '/')!;
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

const running = (pattern: string): boolean => spawnSync('pgrep', ['-f', pattern]).status === 0;

describe('the shield of a real run\'s proven read loads the filter', { skip }, () => {
  test('each call of the table: refused in the shield as in the sandbox (but setns), the kernel\'s answer outside', { skip: skipNoCc }, async (t) => {
    const s = setup(t);
    const [outside, inside] = await Promise.all([answers(s.argv, s.dir, {}), answers(s.argv, s.dir, shield)]);
    for (const [name, errno] of REFUSED_CALLS) {
      if (KEPT.has(name)) {
        assert.equal(inside.get(name), outside.get(name), `${name} (${KEPT.get(name)}): inside ${inside.get(name)}, outside ${outside.get(name)}`);
        continue;
      }
      assert.notEqual(outside.get(name), String(errno), `${name} outside answers ${outside.get(name)}: the probe proves nothing`);
      assert.equal(inside.get(name), String(errno), `${name} in the shield: ${inside.get(name)}`);
    }
    // The kernel log's size: the kernel asks for CAP_SYSLOG over the host's namespace, which the shield's user
    // namespace has not (shield.ts: dmesg is refused as in a dry run); the filter leaves it.
    for (const name of LEFT.filter((n) => n !== 'syslog-size')) assert.equal(inside.get(name), outside.get(name), `${name} is left to the kernel`);
  });

  test('setsid -f leaves nothing running; another root process is not signalled; timeout answers as outside', async (t) => {
    const n = String(100_000 + Math.floor(rng(76)() * 800_000)); // a sleep no other process runs
    const victim = spawn('sleep', [`${n}.5`], { stdio: 'ignore' });
    t.after(() => { victim.kill('SIGKILL'); spawnSync('pkill', ['-KILL', '-f', `sleep ${n}`]); });
    // Its output to /dev/null: an escaped sleep would hold the step's pipes, as the engine's session sweep knows.
    const left = await inShield(`setsid -f sleep ${n} > /dev/null 2>&1; (setsid sleep ${n} > /dev/null 2>&1 &); echo done`);
    assert.match(left.out, /done/);
    assert.equal(running(`^sleep ${n}$`), false, 'a sleep left the step\'s session and outlived it');
    const signalled = await inShield(`kill -TERM ${victim.pid}; echo "kill $?"`);
    assert.match(signalled.out, /kill 1/);
    assert.equal(victim.exitCode ?? victim.signalCode, null, 'the other root process was signalled');
    const timeout = await inShield('timeout 0.3 sleep 5; echo "timeout $?"');
    assert.equal(timeout.code, 0, timeout.out);
    assert.match(timeout.out, /timeout 124/);
  });
});
