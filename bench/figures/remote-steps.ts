// What a shell step on an SSH target costs over the same step here (issue #19: ≤ 20 ms). A real sshd on
// loopback (the one the target tests start); each run opens its multiplexed connection once (the identity probe
// reads the host key then), so the per-step figure includes that handshake spread over the run's steps.
//
// Every step is still a new session on that connection, and sshd runs it through the account's login shell,
// which reads the account's ~/.bashrc first (bash does for a command from sshd). That file belongs to the
// server, not to runbook: the figure with the target uses a server whose account skips it (as a Debian account's
// does for a non-interactive shell), and a second, informational row shows what this machine's own account's rc
// adds to every step (root's here runs `pyenv init` twice: that was the +408 ms of the first measurement).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { mustParse, timeRun } from '../lib/engine.js';
import { remoteRunbook, shellRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';
import { SSHD, startSshd } from '../../test/targets/sshd.js';

const STEPS = 100;
const FEW = 10; // a short run beside each long one: the difference is the per-step cost without the run's fixed part
const RC_STEPS = 20; // the account's rc can cost hundreds of ms a step: fewer steps for the informational row
const TARGET_MS = 20;
const TARGET_RATIO = 1.3; // the step's overhead over a bare ssh call's, over the same kind of master (issue #30)

export async function remoteSteps(ctx: BenchContext): Promise<Row[]> {
  if (!existsSync(SSHD)) {
    return [{ id: 'remote-step', figure: 'remote shell step over SSH', value: 'skipped', anchor: '—', ratio: '—', target: `≤ +${TARGET_MS} ms/step`, met: null, metric: Number.NaN, note: 'openssh-server is not installed' }];
  }
  const rounds = Math.max(3, Math.round(ctx.rounds / 3));
  const own = await measure(ctx, STEPS, rounds, false);
  const floor = own.floor!;
  const rc = await measure(ctx, RC_STEPS, 3, true);
  // Per round, measured side by side (the load changes from round to round on a shared machine). A step's cost is
  // its marginal one (the 100-step run less the 10-step run, per step): the run's one-off connection, host key
  // probe and ssh -G are not a step's, and the bare calls' master is opened outside their timing too.
  const marginal = (long: number[], short: number[], i: number) => (long[i]! - short[i]!) / (STEPS - FEW);
  const ratios = own.remote.map((_, i) => (marginal(own.remote, own.remoteFew!, i) - marginal(own.local, own.localFew!, i)) / (floor.ssh[i]! - floor.local[i]!));
  const ratio = median(ratios);
  return [{
    id: 'remote-step', figure: `${STEPS} shell steps on an SSH target (loopback sshd)`, value: ms(median(own.remote)),
    anchor: `the same steps here: ${ms(median(own.local))}`, ratio: `+${own.over.toFixed(1)} ms/step`, target: `≤ +${TARGET_MS} ms/step`,
    met: own.over <= TARGET_MS, metric: own.over, samples: { localMs: own.local, remoteMs: own.remote },
    note: "one multiplexed connection per run (ControlMaster); its handshake and host key probe are in the total; the account there skips its ~/.bashrc",
  }, {
    id: 'remote-ssh-floor', figure: `bare \`ssh host 'exec bash -c true'\` on the same kind of multiplexed connection`, value: `${ms(median(floor.ssh))}/call`,
    anchor: `\`bash -c true\` here: ${ms(median(floor.local))}/call`, ratio: `+${(median(floor.ssh) - median(floor.local)).toFixed(1)} ms/call`, target: '—',
    met: null, metric: median(floor.ssh) - median(floor.local), samples: { localMs: floor.local, sshMs: floor.ssh },
    note: 'what ssh itself costs a command (client start, the master, the sshd session, the login shell, a bash): the part of a remote step that is not runbook\'s wrapper',
  }, {
    id: 'remote-vs-ssh', figure: 'a remote step\'s cost over a local one, against a bare ssh call\'s over `bash -c true` (same rounds)', value: `${ratio.toFixed(2)}×`,
    anchor: `per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}`, ratio: `${ratio.toFixed(2)}×`, target: `≤ ${TARGET_RATIO}×`,
    met: ratio <= TARGET_RATIO, metric: ratio, samples: { ratios },
    note: `a step's marginal cost (${STEPS}-step run less ${FEW}-step run); each round times the local runs, the remote runs and 50 bare ssh calls one after the other, so both sides see the same load`,
  }, {
    id: 'remote-step-account-rc', figure: `${RC_STEPS} shell steps on an SSH target whose account reads this machine's ~/.bashrc`, value: ms(median(rc.remote)),
    anchor: `the same steps here: ${ms(median(rc.local))}`, ratio: `+${rc.over.toFixed(1)} ms/step`, target: '—',
    met: null, metric: rc.over, samples: { localMs: rc.local, remoteMs: rc.remote },
    note: "the server account's own login shell start, paid by every ssh command to it: informational",
  }];
}

type Measured = { local: number[]; remote: number[]; localFew?: number[]; remoteFew?: number[]; over: number; floor?: { local: number[]; ssh: number[] } };

async function measure(ctx: BenchContext, steps: number, rounds: number, accountRc: boolean): Promise<Measured> {
  const sshd = await startSshd({ accountRc });
  try {
    const local = mustParse(shellRunbook(steps), 'bench-local.yaml');
    const remote = mustParse(remoteRunbook(steps), 'bench-remote.yaml');
    const localFew = mustParse(shellRunbook(FEW), 'bench-local-few.yaml');
    const remoteFew = mustParse(remoteRunbook(FEW), 'bench-remote-few.yaml');
    const inputs = { config: sshd.config };
    await timeRun(local); await timeRun(remote, { inputs }); // warm-up
    const s = { local: [] as number[], remote: [] as number[] };
    const floor = accountRc ? undefined : new SshFloor(sshd.config);
    const few = { local: [] as number[], remote: [] as number[] };
    const f = { local: [] as number[], ssh: [] as number[] };
    try {
      for (let i = 0; i < rounds; i++) {
        s.local.push(await timeRun(local));
        s.remote.push(await timeRun(remote, { inputs }));
        if (!accountRc) { few.local.push(await timeRun(localFew)); few.remote.push(await timeRun(remoteFew, { inputs })); }
        if (floor) { const one = floor.round(); f.local.push(one.local); f.ssh.push(one.ssh); }
        ctx.log(`remote${accountRc ? ' (account rc)' : ''} round ${i + 1}/${rounds}: local ${ms(s.local.at(-1)!)}, ssh ${ms(s.remote.at(-1)!)}`
          + (floor ? `, bare ssh ${ms(f.ssh.at(-1)!)}/call vs bash ${ms(f.local.at(-1)!)}/call` : ''));
      }
    } finally {
      floor?.close();
    }
    const over = median(s.remote.map((r, i) => (r - s.local[i]!) / steps));
    return accountRc ? { ...s, over } : { ...s, over, floor: f, localFew: few.local, remoteFew: few.remote };
  } finally {
    await sshd.stop();
  }
}

/** Per call: a bare ssh command through one master against `bash -c true` here, both started the same way. */
class SshFloor {
  private readonly dir = mkdtempSync(join(tmpdir(), 'runbook-bench-ssh-'));
  private readonly opts: string[];

  constructor(private readonly config: string) {
    this.opts = ['-o', 'BatchMode=yes', '-o', 'ControlMaster=auto', '-o', `ControlPath=${this.dir}/%C`, '-o', 'ControlPersist=60', '-F', config];
    spawnSync('ssh', [...this.opts, 'runbook-sshd', 'true'], { stdio: 'ignore', timeout: 30_000 }); // opens the master
  }

  round(): { local: number; ssh: number } {
    return { local: time('bash', ['-c', 'true']), ssh: time('ssh', [...this.opts, '--', 'runbook-sshd', 'exec bash -c true']) };
  }

  close(): void {
    spawnSync('ssh', ['-o', `ControlPath=${this.dir}/%C`, '-F', this.config, '-O', 'exit', 'runbook-sshd'], { stdio: 'ignore', timeout: 5000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const CALLS = 50;
function time(cmd: string, args: string[]): number {
  const t = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.at(-1)} failed (exit ${r.status})`);
  }
  return (performance.now() - t) / CALLS;
}
