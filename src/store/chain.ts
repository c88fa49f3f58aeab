// The hash chain over a run's lines: each line's hash covers the one before it, so changing, dropping or
// reordering any stored line shows at the next check. The database computes the same (migrations.ts).
import { createHash } from 'node:crypto';
import { GENESIS } from './migrations.js';
export { GENESIS };

export const chainHash = (prev: string, line: string): string => createHash('sha256').update(prev + line, 'utf8').digest('hex');

/** A stored row as the chain checks see it; `intact`: the database's own recomputation matched its hash. */
export interface StoredLink { seq: number; prev_hash: string; hash: string; intact: boolean }

/** The rows of a run with the database's recomputation of each hash, in order. */
export const CHAIN_SQL = `SELECT seq, prev_hash, hash, encode(sha256(convert_to(prev_hash || line, 'UTF8')), 'hex') = hash AS intact
  FROM runbook.events WHERE run_id = $1 ORDER BY seq`;

/** The first place a stored chain breaks (a row changed, dropped or inserted behind the trigger's back), or
 *  undefined. `local`: the hash this machine computed for each seq, when it has the lines. */
export function chainBreak(rows: StoredLink[], local?: Map<number, string>): string | undefined {
  let prev = GENESIS;
  for (const r of rows) {
    if (!r.intact) return `event ${r.seq} was changed in the store (its line no longer matches its hash)`;
    if (r.prev_hash !== prev) return `event ${r.seq} does not chain to the event before it (one was removed or replaced)`;
    const mine = local?.get(r.seq);
    if (local && mine !== r.hash) return mine === undefined ? `the store has event ${r.seq}, which this transcript does not` : `event ${r.seq} in the store differs from this transcript's`;
    prev = r.hash;
  }
  return undefined;
}
