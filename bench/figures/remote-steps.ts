// What a shell step on an SSH target costs over the same step here (issue #19: ≤ 20 ms). A real sshd on
// loopback (the one the target tests start); each run opens its multiplexed connection once (the identity probe
// reads the host key then), so the per-step figure includes that handshake spread over the run's steps.
import { existsSync } from 'node:fs';
import type { BenchContext } from '../lib/context.js';
import { mustParse, timeRun } from '../lib/engine.js';
import { remoteRunbook, shellRunbook } from '../lib/runbooks.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';
import { SSHD, startSshd } from '../../test/targets/sshd.js';

const STEPS = 100;
const TARGET_MS = 20;

export async function remoteSteps(ctx: BenchContext): Promise<Row[]> {
  if (!existsSync(SSHD)) {
    return [{ id: 'remote-step', figure: 'remote shell step over SSH', value: 'skipped', anchor: '—', ratio: '—', target: `≤ +${TARGET_MS} ms/step`, met: null, metric: Number.NaN, note: 'openssh-server is not installed' }];
  }
  const sshd = await startSshd();
  try {
    const local = mustParse(shellRunbook(STEPS), 'bench-local.yaml');
    const remote = mustParse(remoteRunbook(STEPS), 'bench-remote.yaml');
    const inputs = { config: sshd.config };
    await timeRun(local); await timeRun(remote, { inputs }); // warm-up
    const rounds = Math.max(3, Math.round(ctx.rounds / 3));
    const s = { local: [] as number[], remote: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      s.local.push(await timeRun(local));
      s.remote.push(await timeRun(remote, { inputs }));
      ctx.log(`remote round ${i + 1}/${rounds}: local ${ms(s.local.at(-1)!)}, ssh ${ms(s.remote.at(-1)!)}`);
    }
    const over = median(s.remote.map((r, i) => (r - s.local[i]!) / STEPS));
    return [{
      id: 'remote-step', figure: `${STEPS} shell steps on an SSH target (loopback sshd)`, value: ms(median(s.remote)),
      anchor: `the same steps here: ${ms(median(s.local))}`, ratio: `+${over.toFixed(1)} ms/step`, target: `≤ +${TARGET_MS} ms/step`,
      met: over <= TARGET_MS, metric: over, samples: { localMs: s.local, remoteMs: s.remote },
      note: 'one multiplexed connection per run (ControlMaster); its handshake and host key probe are in the total',
    }];
  } finally {
    await sshd.stop();
  }
}
