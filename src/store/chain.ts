// The hash chain over a run's lines: each line's hash covers the one before it, so changing, dropping or
// reordering any stored line shows at the next check. The database computes the same (migrations.ts).
import { createHash } from 'node:crypto';
import type { StoreClient } from './client.js';
import { GENESIS } from './migrations.js';
import { checkSignatures, storedSignatures } from './signed-chain.js';
import type { Trust } from './signing.js';
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

/** A line of the transcript waiting for the store; `hash` once computed. */
export interface ChainLine { seq: number; text: string; hash?: string }

export type Stored = { seq: number; hash: string };

/** The chain over `lines` up to `upTo`, from `prev`; each line keeps its hash. */
export function hashLines(lines: ChainLine[], prev: string, upTo: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    if (l.seq > upTo) break;
    prev = l.hash ??= chainHash(prev, l.text);
    out.set(l.seq, prev);
  }
  return out;
}

/** What the store holds of a run must be exactly this transcript's lines (`queued`, from the first one not known
 *  to be stored): checked per seq at first contact (`stored` undefined), by the last stored line after a
 *  reconnect (a batch may have gone in though its answer was lost). The last stored line, or why to stop. */
export async function reconcile(client: StoreClient, runId: string, queued: ChainLine[], stored: Stored | undefined, trust?: Trust): Promise<{ last: Stored; unsigned?: string } | { broken: string }> {
  if (!stored) {
    const rows = await client.query<StoredLink>(CHAIN_SQL, [runId]);
    const local = hashLines(queued, GENESIS, rows[rows.length - 1]?.seq ?? -1);
    const broken = chainBreak(rows, local);
    if (broken) return { broken: `the store's copy of run ${runId} differs from this transcript: ${broken}. Uploads stopped; nothing in the store was changed` };
    // The same check of its signatures as follow makes (signed-chain.ts): a copy rewritten to match an edited transcript still fails it.
    const signed = await checkSignatures(trust, runId, local, await storedSignatures(client, runId));
    if ('broken' in signed) return { broken: `the store's copy of run ${runId} does not hold: ${signed.broken}. Uploads stopped; nothing in the store was changed` };
    const last = rows[rows.length - 1];
    // Said as follow says it: the store's copy matches this transcript, but no trusted key vouches for its tail.
    const unsigned = trust && last && signed.signedThrough < last.seq
      ? `the store's copy of run ${runId} is not signed from event ${signed.signedThrough + 1} on by a key in ${trust.file}: it matches this transcript, and follow says it is unsigned` : undefined;
    return { last: last ? { seq: last.seq, hash: last.hash } : { seq: -1, hash: GENESIS }, ...(unsigned ? { unsigned } : {}) };
  }
  const rows = await client.query<Stored>('SELECT seq, hash FROM runbook.events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1', [runId]);
  const last = rows[0] ?? { seq: -1, hash: GENESIS };
  if (last.seq === stored.seq && last.hash === stored.hash) return { last };
  if (last.seq < stored.seq || hashLines(queued, stored.hash, last.seq).get(last.seq) !== last.hash) {
    return { broken: `the store's copy of run ${runId} changed behind this driver at event ${last.seq}. Uploads stopped; nothing in the store was changed` };
  }
  return { last };
}
