// Issue #34, the team store: every figure in one run against a lab PostgreSQL this figure starts (and its
// outage proxies), each against the same work without a store. `npm run bench -- --only=store` runs it alone.
import type { BenchContext } from '../lib/context.js';
import { startBenchStore } from '../lib/store-lab.js';
import type { Row } from '../lib/table.js';
import { approval, pace, startUp } from './store-cli.js';
import { followLatency, mayActCost } from './store-follow.js';

export async function teamStore(ctx: BenchContext): Promise<Row[]> {
  const store = await startBenchStore();
  try {
    const rows: Row[] = [];
    const parts: [string, () => Promise<Row | Row[]>][] = [
      ['start-up', () => startUp(ctx, store)], ['pace', () => pace(ctx, store)], ['follow', () => followLatency(ctx, store)],
      ['mayAct', () => mayActCost(ctx, store)], ['approval', () => approval(ctx, store)],
    ];
    for (const [name, part] of parts) {
      try {
        rows.push(...[await part()].flat());
      } catch (e) {
        // One part failing (a slow machine's timeout) must not hide the others' figures.
        rows.push({ id: `store-${name}-error`, figure: `team store ${name}: not measured`, value: (e as Error).message.split('\n')[0]!.slice(0, 80), anchor: '—', ratio: '—', target: '—', met: null });
        ctx.log(`${name} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
    return rows;
  } finally {
    await store.stop();
  }
}
