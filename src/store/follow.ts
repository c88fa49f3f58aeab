// Following a run in the store: LISTEN for "<run id> <seq>" (the notification carries nothing else), fetch the
// rows after the last one seen, by seq, checking each one's hash chain. A dropped connection is reconnected
// and the rows missed meanwhile fetched: a follower sees every line once, in order, or stops at a broken chain.
import { UserError } from '../common/errors.js';
import { connectStore, FOREGROUND_CONNECT_MS, storeErrorText, type StoreClient } from './client.js';
import { chainHash, GENESIS } from './chain.js';
import { checkSignatures, storedSignatures } from './signed-chain.js';
import type { Trust } from './signing.js';
import { checkStoreVersion } from './migrate.js';
import { prunedMatching } from './prune.js';

export interface FollowOptions {
  url: string;
  runId: string;
  /** Each stored line, in seq order; return true to stop following (the run ended). */
  onLine(text: string, seq: number): boolean;
  /** A line about the connection (lost, back). */
  notify?(message: string): void;
  signal?: AbortSignal;
  /** How often an idle connection is checked (a peer that vanished sends no error). */
  pingMs?: number;
  /** The team's allowed signers: each page's signatures are checked before its lines are shown. */
  trust?: Trust;
}

interface Row { seq: number; line: string; prev_hash: string; hash: string }

/** Where following has got to: the last line shown, and what its signatures said (told once each). */
interface FollowState { seq: number; hash: string; done: boolean; signer?: string; unsignedFrom?: number; toldUnchecked?: boolean }

const PAGE = 1000;

export async function followRun(opts: FollowOptions): Promise<void> {
  const state: FollowState = { seq: -1, hash: GENESIS, done: false };
  let retryMs = 250;
  let lost = false;
  while (!state.done && !opts.signal?.aborted) {
    let client: StoreClient | undefined;
    try {
      client = await connectStore(opts.url, { applicationName: 'runbook follow', connectMs: FOREGROUND_CONNECT_MS });
      await checkStoreVersion(client);
      await client.query('LISTEN runbook_events');
      if (lost) opts.notify?.('reconnected to the store; catching up');
      lost = false;
      retryMs = 250;
      await watch(client, opts, state);
    } catch (e) {
      if (e instanceof UserError) throw e;
      if (!lost) opts.notify?.(`lost the store (${storeErrorText(e)}); reconnecting`);
      lost = true;
      await pause(retryMs, opts.signal);
      retryMs = Math.min(retryMs * 2, 2000);
    } finally {
      await client?.end();
    }
  }
}

/** Catches up, then fetches again at each notification for this run (and at each ping, in case one was missed
 *  while a fetch ran), until the run ends, the connection fails, or the follower is stopped. */
async function watch(client: StoreClient, opts: FollowOptions, state: FollowState): Promise<void> {
  let wake: (() => void) | undefined;
  let failed: Error | undefined;
  let wanted = true;
  const poke = () => { wanted = true; wake?.(); };
  client.raw.on('notification', (n) => { if (n.payload?.startsWith(`${opts.runId} `)) poke(); });
  client.raw.on('error', (e) => { failed = e; wake?.(); });
  client.raw.on('end', () => { failed ??= new Error('the store closed the connection'); wake?.(); });
  opts.signal?.addEventListener('abort', () => wake?.(), { once: true });
  const ping = setInterval(() => { client.query('SELECT 1').catch((e: Error) => { failed ??= e; wake?.(); }); }, opts.pingMs ?? 5000);
  try {
    while (!state.done && !opts.signal?.aborted) {
      if (failed) throw failed;
      if (wanted) { wanted = false; await fetchNew(client, opts, state); continue; }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  } finally {
    clearInterval(ping);
  }
}

async function fetchNew(client: StoreClient, opts: FollowOptions, state: FollowState): Promise<void> {
  for (;;) {
    const rows = await client.query<Row>(`SELECT seq, line, prev_hash, hash FROM runbook.events
      WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE}`, [opts.runId, state.seq]);
    // Each hash computed here from the line, not taken from the store; then the page's signatures, before a line
    // is shown. The lines before a break are shown, then it stops there.
    const hashes = new Map<number, string>();
    let prev = state.hash;
    let broken: string | undefined;
    for (const r of rows) {
      if (r.prev_hash !== prev) broken = `event ${r.seq} does not chain to the one before it`;
      else if (chainHash(prev, r.line) !== r.hash) broken = `event ${r.seq} was changed (its line no longer matches its hash)`;
      if (broken) break;
      hashes.set(r.seq, prev = r.hash);
    }
    const through = hashes.size ? await checkPage(client, opts, state, hashes, rows.length === PAGE && !broken) : -1;
    for (const r of rows.slice(0, hashes.size)) {
      if (r.seq > through) break;
      state.seq = r.seq;
      state.hash = r.hash;
      if (opts.onLine(r.line, r.seq)) { state.done = true; return; }
    }
    if (broken) throw new UserError(`the store's copy of run ${opts.runId} is broken: ${broken}. Stopped.`);
    if (rows.length < PAGE && state.seq === rows[rows.length - 1]?.seq) return;
    if (rows.length === 0) return;
  }
}

/** The page's signatures (signed-chain.ts, as store push checks them): a signature that does not hold stops the
 *  follower; lines no checked signature covers are shown, and said once to be unsigned. Returns the last seq to
 *  show now. `more`: the page is full. A batch is signed at its end and holds at most 500 lines, half a page: a
 *  full page whose tail no signature in it covers is shown up to its newest checked signature, and the rest is
 *  fetched again with the next page, where its batch's signature is. A signature past the page is never taken
 *  on trust (an owner padded a forged run to a full page and put a bogus signature row past it). */
async function checkPage(client: StoreClient, opts: FollowOptions, state: FollowState, hashes: Map<number, string>, more: boolean): Promise<number> {
  const v = await checkSignatures(opts.trust, opts.runId, hashes, await storedSignatures(client, opts.runId, state.seq));
  if ('broken' in v) throw new UserError(`the store's copy of run ${opts.runId} does not hold: ${v.broken}. Stopped.`);
  if (v.unchecked && v.signedThrough >= 0 && !state.toldUnchecked) {
    state.toldUnchecked = true;
    opts.notify?.(`run ${opts.runId} is signed; its signatures are not checked here: no allowed signers (set RUNBOOK_ALLOWED_SIGNERS, or allowed_signers: in runbook.config.yaml)`);
  }
  if (v.principal && v.principal !== state.signer) {
    state.signer = v.principal;
    opts.notify?.(`events up to ${v.signedThrough} signed by ${v.principal} (checked against ${opts.trust!.file})`);
  }
  if (v.signedThrough >= 0) state.unsignedFrom = undefined;
  const last = Math.max(...hashes.keys());
  if (!opts.trust || v.signedThrough === last) return last;
  if (more && v.signedThrough >= 0) return v.signedThrough;
  if (state.unsignedFrom === undefined) {
    state.unsignedFrom = v.signedThrough + 1 || Math.min(...hashes.keys());
    opts.notify?.(`events from ${state.unsignedFrom} on are not signed by a key in ${opts.trust.file}: the store's owner could have written or changed them`);
  }
  return last;
}

const pause = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

/** Shortest prefix of a run id that may name it (docs/team.md shows `follow 6f1c`). */
export const MIN_PREFIX = 4;
const LISTED = 10;

/** The run a (possibly shortened) id names in the store, or a one-line refusal; an ambiguous prefix lists the
 *  runs it matches (up to LISTED), so the person can pick one without `runbook runs`. */
export async function findRun(client: StoreClient, id: string): Promise<string> {
  const rows = await client.query<{ run_id: string; runbook: string }>(
    `SELECT run_id, runbook FROM runbook.runs WHERE run_id = $1 OR (length($1) >= $2 AND left(run_id, length($1)) = $1)
     ORDER BY run_id = $1 DESC, run_id LIMIT $3`, [id, MIN_PREFIX, LISTED + 1]);
  if (rows.length === 0) {
    const pruned = await prunedMatching(client, id, MIN_PREFIX);
    const gone = pruned[0]?.run_id === id || pruned.length === 1 ? pruned[0] : undefined;
    if (gone) {
      throw new UserError(`run ${gone.run_id} (${gone.runbook}) was pruned from the store on ${gone.pruned_at.toISOString().slice(0, 16).replace('T', ' ')} UTC `
        + `by ${gone.pruned_by}, with its ${gone.events} events: its transcript is the record now`);
    }
    const short = id.length < MIN_PREFIX ? ` (give at least ${MIN_PREFIX} characters of its id)` : '';
    throw new UserError(`no run ${id} in the store${short} (see \`runbook runs\`)`);
  }
  if (rows.length > 1 && rows[0]!.run_id !== id) {
    const list = rows.slice(0, LISTED).map((r) => `${r.run_id} (${r.runbook})`).join(', ');
    throw new UserError(`${id} names more than one run: ${list}${rows.length > LISTED ? ', …' : ''}; give more of its id`);
  }
  return rows[0]!.run_id;
}
