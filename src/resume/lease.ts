// A resumed run's lease with a team store: one driver per run. `runbook resume <run-id>` on a machine without
// the transcript fetches it from the store (every line checked against its hash chain) and resumes that copy;
// any resume first claims the run in the store: refused while another driver holds it (naming its host and
// when it was last heard from), unless --takeover, which is recorded and moves the epoch on, so the driver
// before stops at its next write or check. The claim's connection, holding the lock, becomes the uploader's.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../common/errors.js';
import { maskUrl } from '../db/url.js';
import { chainBreak, CHAIN_SQL, hashLines, GENESIS, type StoredLink } from '../store/chain.js';
import { checkSignatures, storedSignatures } from '../store/signed-chain.js';
import { findTrust } from '../store/signing.js';
import { storeErrorText, type StoreClient } from '../store/client.js';
import { claimRun, headOf, LOST, type Claim, type RunHead } from '../store/claim.js';
import { findRun } from '../store/follow.js';
import { openStore } from '../store/open.js';
import type { StoreUrl } from '../store/url.js';
import { DEFAULT_DIR } from '../transcript/paths.js';
import { fileLines } from '../transcript/sink.js';

/** Where a run fetched from the store is kept: beside the transcripts this directory's runs write. */
export const fetchedPath = (runId: string, cwd = process.cwd()): string => join(resolve(cwd, DEFAULT_DIR), `${runId}.jsonl`);

/** The local copy of a run in the store (fetched now, or an earlier fetch, which the uploader checks against the
 *  store before it sends anything). */
export async function fetchTranscript(store: StoreUrl, id: string): Promise<string> {
  const client = await openStore(store);
  try {
    const runId = await findRun(client, id);
    const path = fetchedPath(runId);
    const rows = await client.query<StoredLink & { line: string }>(CHAIN_SQL.replace('SELECT seq,', 'SELECT seq, line,'), [runId]);
    const broken = chainBreak(rows);
    if (broken) throw new UserError(`the store's copy of run ${runId} is broken: ${broken}. Nothing was fetched`);
    if (!rows.length || !headOf(rows[0]!.line)) throw new UserError(`the store has no transcript header for run ${runId}: nothing to resume`);
    await checkSigned(client, runId, rows);
    // An earlier fetch (or resume) here: the store's lines it lacks are added; a copy that differs is refused.
    const local = existsSync(path) ? fileLines(readFileSync(path, 'utf8')) : [];
    const differs = local.findIndex((l, i) => rows[i] !== undefined && rows[i]!.line !== l.text);
    if (differs >= 0) throw new UserError(`${path} differs from the store's copy of run ${runId} at line ${differs + 1}: move it away to fetch the run again`);
    const missing = rows.slice(local.length);
    if (!missing.length) return path;
    mkdirSync(resolve(path, '..'), { recursive: true });
    const fd = openSync(path, 'a', 0o600);
    try {
      writeSync(fd, missing.map((r) => `${r.line}\n`).join(''));
      fsyncSync(fd);
    } finally { closeSync(fd); }
    return path;
  } finally {
    await client.end();
  }
}

/** A fetched copy's signatures, checked as follow and store push check them (signed-chain.ts), over hashes
 *  computed here. With the team's allowed signers, a resume takes only lines a trusted key signed: the store's
 *  owner could have written the others (a step's end, so that it is never asked again). */
async function checkSigned(client: StoreClient, runId: string, rows: Array<{ seq: number; line: string }>): Promise<void> {
  const trust = findTrust();
  const hashes = hashLines(rows.map((r) => ({ seq: r.seq, text: r.line })), GENESIS, Infinity);
  const v = await checkSignatures(trust, runId, hashes, await storedSignatures(client, runId));
  if ('broken' in v) throw new UserError(`the store's copy of run ${runId} does not hold: ${v.broken}. Nothing was fetched`);
  const last = rows[rows.length - 1]!.seq;
  if (trust && v.signedThrough < last) {
    throw new UserError(`events ${v.signedThrough + 1}–${last} of run ${runId} are not signed by a key in ${trust.file} (from ${trust.from}): `
      + 'the store\'s owner could have written them. Nothing was fetched; resume from the driver\'s own transcript');
  }
}

/** Refuses, as a resume would be refused, while another driver holds the run; changes nothing. Quiet when the
 *  store cannot be reached (the claim says so). Asked before the local checks: the store knows other machines. */
export async function checkNoDriver(store: StoreUrl, head: RunHead): Promise<void> {
  let client: StoreClient;
  try { client = await openStore(store); } catch { return; }
  try {
    await claimRun(client, head, 'check');
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (LOST.has(code)) throw new UserError(`refusing to resume: ${storeErrorText(e).replace(/ \(RB0\d\d\)$/, '')}`);
  } finally {
    await client.end();
  }
}

/** Whether the store holds more lines of the run than `local` (the lines of the copy this resume read): another
 *  driver wrote after the fetch. Asked once the claim is held, when none can write any more. */
export async function storeMovedOn(lease: Lease, runId: string, local: number): Promise<boolean> {
  const rows = await lease.client.query<{ n: number }>('SELECT count(*)::int AS n FROM runbook.events WHERE run_id = $1', [runId]);
  return (rows[0]?.n ?? 0) > local;
}

export interface ResumeClaim extends Claim { client: StoreClient }

/** What the run drives under once claimed: the claim's connection (it holds the lock) and its epoch. */
export interface Lease { client: StoreClient; epoch: number }

/** One driver per run: the run claimed in the team store before its first step; after a takeover, the driver
 *  before may still act on its last confirmation for a moment: that is waited out. */
export async function claimInStore(store: StoreUrl, head: RunHead, takeover: boolean, say: (line: string) => void): Promise<Lease | undefined> {
  const claim = await claimForResume(store, head, takeover, say);
  if (claim && claim.waitMs > 0) {
    say(`waiting ${claim.waitMs} ms: the driver before may still act on its last confirmation until then`);
    await new Promise((r) => setTimeout(r, claim.waitMs));
  }
  return claim && { client: claim.client, epoch: claim.epoch };
}

/** Claims the run before its first step. undefined when the store cannot be reached (a resume goes on, local
 *  first, and the uploader claims it once the store answers); a takeover needs the store. */
export async function claimForResume(store: StoreUrl, head: RunHead, takeover: boolean, say: (line: string) => void): Promise<ResumeClaim | undefined> {
  let client: StoreClient;
  try {
    client = await openStore(store);
  } catch (e) {
    if (takeover || !(e instanceof UserError) || !/cannot reach|did not answer/.test(e.message)) throw e;
    say(`the store ${maskUrl(store.url)} cannot be reached, so this resume cannot check that nobody else drives run ${head.runId}; going on (local first). ${e.message}`);
    return undefined;
  }
  try {
    const claim = await claimRun(client, head, takeover ? 'takeover' : 'resume');
    await sayTakeover(client, head.runId, claim.epoch, takeover, say); // a plain resume of another's run too
    return { ...claim, client };
  } catch (e) {
    await client.end();
    const code = (e as { code?: string }).code ?? '';
    if (LOST.has(code)) throw new UserError(`refusing to resume: ${storeErrorText(e).replace(/ \(RB0\d\d\)$/, '')}`);
    throw new UserError(`cannot claim run ${head.runId} in the store: ${storeErrorText(e)}`);
  }
}

/** Says who the run was taken over from, when the claim was a takeover (recorded in runbook.takeovers). */
async function sayTakeover(client: StoreClient, runId: string, epoch: number, flag: boolean, say: (line: string) => void): Promise<void> {
  const rows = await client.query<{ from_driver: string; from_host: string; ago: number }>(`SELECT from_driver, from_host,
    floor(extract('epoch' FROM at - from_heard_at))::int AS ago FROM runbook.takeovers WHERE run_id = $1 AND epoch = $2`, [runId, epoch]);
  const r = rows[0];
  if (!r && !flag) return;
  say(`${flag ? '--takeover: ' : ''}run ${runId} taken over from ${r ? `${r.from_driver} on ${r.from_host} (last heard from ${r.ago} s before)` : 'its driver'}, as ${client.role}; recorded in the store`);
}
