// Sends a run's transcript lines to the team store, behind the local record (a TranscriptSink). Nothing here
// ever waits in the run's way: a line is queued in memory when written, sent once it is on the local disk, in
// batches, in the background. While the store is down (refusing, or accepting TCP and never answering: every
// connect and statement gives up after 500 ms) the queue grows and the run goes on; when it is back, the
// backlog goes in one batch. Every line is hash-chained to the one before; a store whose chain differs from
// this transcript's stops the uploads and says so: nothing stored is ever overwritten.
import type { TranscriptSink } from '../transcript/sink.js';
import { connectStore, FOREGROUND_CONNECT_MS, storeErrorText, type StoreClient } from './client.js';
import { checkStoreVersion } from './migrate.js';
import { chainHash, reconcile, type ChainLine } from './chain.js';
import { claimRun, headOf, LOST, type ClaimMode, type RunHead } from './claim.js';
import { checkBeforeAct, type ActCheck } from './act-check.js';
import { HolderLease } from './lease.js';
import { signHead, type Trust } from './signing.js';

/** How often a driver says it is alive while nothing is uploaded (a gate, a long step): `runbook runs`, a
 *  refused second driver and a takeover read it; it also notices a takeover while the run waits. */
const HEARTBEAT_MS = 2000;
/** This driver is alive and still holds the run (its epoch); refused with RB009 once it was taken over. */
const HEARTBEAT_SQL = 'SELECT runbook.heartbeat($1, $2)';

export type UploadState = 'connecting' | 'up' | 'down' | 'stopped';
/** `lost`: the store says another driver holds the run (taken over) or this one may not: its lines stop here. */
export interface UploadStatus { state: UploadState; pending: number; uploaded: number; reason?: string; runId?: string; lost?: string }

export interface UploaderOptions {
  url: string;
  /** One line about the store's state when it changes (down, back, stopped). */
  notify?: (message: string) => void;
  batchMax?: number;
  /** Back-off between attempts while the store is down. */
  retryMs?: { first: number; max: number };
  /** Tells the run's driver it lost the run (taken over): it must stop at its next write. */
  onTakenOver?: (message: string) => void;
  /** How this process first claims the run: a new run (default), or continuing one (resume, takeover). */
  mode?: 'start' | 'resume' | 'push';
  /** Claimed already (resume claims before its first step): the connection that holds the lock, and the epoch. */
  claimed?: { client: StoreClient; epoch: number };
  /** A person waits for it (store push), not a running operator: each connect and statement may take the
   *  foreground budget, and drain() keeps trying for its whole time instead of ending at the first failure. */
  foreground?: boolean;
  /** An SSH key: the head of each batch sent is signed with it (signing.ts). */
  signingKey?: string;
  /** The team's allowed signers: the store's signatures are checked at first contact, as follow checks them. */
  trust?: Trust;
}

type Line = ChainLine;

export class Uploader implements TranscriptSink {
  private readonly queue: Line[] = [];
  private syncedThrough = -1;
  private head?: RunHead;
  private client?: StoreClient;
  private epoch = 0;
  /** The last line the store holds for this run (seq -1: none) and its hash, once first contact checked it. */
  private stored?: { seq: number; hash: string };
  private state: UploadState = 'connecting';
  private reason?: string;
  private uploaded = 0;
  private pumping = false;
  /** drain() has given up or finished: no more attempts. */
  private stopAll = false;
  private closedFile = false;
  private retry: number;
  private wake?: () => void;
  private readonly idle = new Set<() => void>();
  /** drain() waits: the next failure to reach the store ends the wait (failed()). */
  private draining = false;
  private heartbeat?: NodeJS.Timeout;
  private connecting?: Promise<void>;
  /** Why this driver may not act any more (taken over, refused as a second driver). */
  private lost?: string;
  /** Until when the store's last confirmation lets this driver act without asking again (lease.ts). */
  private readonly lease = new HolderLease();
  private signFailed = false;

  constructor(private readonly opts: UploaderOptions) {
    this.retry = opts.retryMs?.first ?? 250;
    if (opts.claimed) this.epoch = opts.claimed.epoch;
  }

  /** Before the run acts (each step's action): undefined to go on, or why this driver must not (act-check.ts).
   *  A round trip while the store is up, unless its last confirmation is fresh (lease.ts): a takeover made since
   *  waits that confirmation out before it acts. */
  mayAct(check: ActCheck = {}): Promise<string | undefined> {
    return checkBeforeAct({
      confirm: (reconnect) => this.confirmHolder(reconnect),
      lost: () => this.lost,
      mayHaveRival: () => this.epoch > 0 || (this.opts.mode ?? 'start') !== 'start',
      why: () => this.reason ?? (this.state === 'connecting' ? 'not reached yet' : 'no answer'),
    }, check, (line) => this.opts.notify?.(line));
  }

  /** The store says this driver still holds the run (its epoch); `reconnect`: connects first when it was down. */
  private async confirmHolder(reconnect: boolean): Promise<boolean> {
    if (this.lost || this.stopAll || this.stopped() || !this.head) return false;
    if (!reconnect && (this.state !== 'up' || !this.client)) return false;
    if (this.state === 'up' && this.client && this.lease.fresh()) return true;
    try {
      if (!this.client) {
        await this.connect();
        void this.pump(); // the backlog, now that the store answers
      }
      const client = this.client;
      if (!client) return false;
      const sentAt = performance.now();
      await client.query(HEARTBEAT_SQL, [this.head.runId, this.epoch]);
      this.lease.confirmed(sentAt);
      return !this.lost;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  line(seq: number, text: string): void {
    if (!this.head) this.head = headOf(text);
    this.queue.push({ seq, text });
  }

  synced(seq: number): void {
    if (seq <= this.syncedThrough) return;
    this.syncedThrough = seq;
    // After the writer's turn: the run's next step starts before anything here runs.
    setImmediate(() => void this.pump());
  }

  closed(): void { this.closedFile = true; this.settle(); }

  status(): UploadStatus {
    return { state: this.state, pending: this.queue.length, uploaded: this.uploaded, ...(this.reason ? { reason: this.reason } : {}), ...(this.head ? { runId: this.head.runId } : {}),
      ...(this.lost ? { lost: this.lost } : {}) };
  }

  /** Waits until every line is in the store, or `ms` pass, or the uploads stopped; then lets go of the store. */
  async drain(ms: number): Promise<UploadStatus> {
    if (this.queue.length && this.state !== 'stopped') {
      this.draining = !this.opts.foreground; // a last try that fails ends a run's wait: a store that is down is not waited on
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); this.idle.delete(done); resolve(); };
        const timer = setTimeout(done, ms);
        this.idle.add(done);
        this.wake?.(); // skip a back-off in progress: this is the last chance
        this.settle();
      });
    }
    this.state = this.state === 'stopped' ? 'stopped' : this.queue.length ? 'down' : this.state;
    const closing = this.client;
    this.client = undefined;
    this.stopAll = true;
    clearInterval(this.heartbeat);
    this.wake?.();
    await closing?.end();
    return this.status();
  }

  private stopped(): boolean { return this.state === 'stopped'; }

  private settle(): void {
    if (this.queue.length === 0 || this.state === 'stopped') for (const f of [...this.idle]) f();
  }

  private ready(): Line[] {
    const out: Line[] = [];
    for (const l of this.queue) {
      if (l.seq > this.syncedThrough || out.length >= (this.opts.batchMax ?? 500)) break;
      out.push(l);
    }
    return out;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopAll && this.state !== 'stopped' && this.ready().length) {
        try {
          await this.connect();
          if (this.stopped()) break;
          await this.send(this.ready());
          this.retry = this.opts.retryMs?.first ?? 250;
        } catch (e) {
          this.failed(e);
          if (!this.stopped()) await this.backOff();
        }
      }
    } finally {
      this.pumping = false;
      this.settle();
    }
  }

  /** One connection at a time: the uploads and a step waiting for the store may both ask for it. */
  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    return this.connecting ??= this.open().finally(() => { this.connecting = undefined; });
  }

  private async open(): Promise<void> {
    if (!this.head) throw new Error('the transcript has no header line');
    const claimed = this.opts.claimed;
    this.opts.claimed = undefined;
    const budget = this.opts.foreground ? { connectMs: FOREGROUND_CONNECT_MS, statementMs: FOREGROUND_CONNECT_MS } : {};
    const client = claimed?.client ?? await connectStore(this.opts.url, { applicationName: 'runbook driver', ...budget });
    try {
      if (!claimed) {
        await checkStoreVersion(client);
        // After the first claim, a reconnect is this driver again (its epoch); the database refuses it if the run was taken over.
        const claim = await claimRun(client, this.head, this.epoch ? 'rejoin' : this.opts.mode ?? 'start', this.epoch || undefined);
        this.epoch = claim.epoch;
        // A resume claimed only now (the store was down before its first step): the driver before may still act
        // on its last confirmation for this long; nothing here acts, or says it may, until then.
        if (claim.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, claim.waitMs));
      }
      await this.reconcile(client);
    } catch (e) {
      await client.end();
      throw e;
    }
    this.client = client;
    // Cut off (a partition, the store restarted): ask again before the next action, as a driver that never had a lease.
    const drop = () => { if (this.client === client) this.lease.drop(); };
    client.raw.on('end', drop).on('error', drop);
    this.beat();
    if (this.state === 'down') this.opts.notify?.(`store reachable again; uploading ${this.queue.length} waiting events`);
    if (this.state !== 'stopped') this.state = 'up';
  }

  /** What the store already holds must be exactly this transcript's lines (chain.ts). */
  private async reconcile(client: StoreClient): Promise<void> {
    const r = await reconcile(client, this.head!.runId, this.queue, this.stored, this.opts.trust);
    if ('broken' in r) return this.stop(r.broken);
    if (r.unsigned) this.opts.notify?.(r.unsigned);
    this.confirm(r.last);
  }

  /** The store holds everything up to `last`: those lines leave the queue. */
  private confirm(last: { seq: number; hash: string }): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.seq <= last.seq) n++;
    this.queue.splice(0, n);
    this.uploaded += this.stored ? n : 0;
    this.stored = last;
  }

  private async send(batch: Line[]): Promise<void> {
    // The first contact may have found every line stored already (a push of a whole transcript): nothing to send.
    if (batch.length === 0) return;
    const client = this.client!;
    let prev = this.stored!.hash;
    const hashes = batch.map((l) => (prev = chainHash(prev, l.text)));
    const prevs = [this.stored!.hash, ...hashes.slice(0, -1)];
    const signature = await this.sign(batch[batch.length - 1]!.seq, hashes[hashes.length - 1]!);
    const sentAt = performance.now();
    await client.query('SELECT runbook.append_signed($1, $2, $3, $4, $5, $6, $7, $8)', [
      this.head!.runId, this.epoch, batch.map((l) => l.seq), batch.map((l) => tsOf(l.text)), batch.map((l) => l.text), prevs, hashes, signature,
    ]);
    this.lease.confirmed(sentAt); // refused (RB009) had this driver lost the run
    this.queue.splice(0, batch.length);
    this.uploaded += batch.length;
    this.stored = { seq: batch[batch.length - 1]!.seq, hash: hashes[hashes.length - 1]! };
  }

  /** The batch's signature, or null without a key. A key that fails (an encrypted key without its agent) leaves the
   *  lines unsigned, said once: the run goes on, and a follower holding the allowed signers sees them unsigned. */
  private async sign(seq: number, hash: string): Promise<string | null> {
    const key = this.opts.signingKey;
    if (!key || this.signFailed) return null;
    try {
      return await signHead(key, this.head!.runId, seq, hash);
    } catch (e) {
      this.signFailed = true;
      this.opts.notify?.(`${(e as Error).message}; the lines go to the store unsigned`);
      return null;
    }
  }

  /** Says now and then that this driver is alive and still the driver (unref'd: it keeps nothing running). */
  private beat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      const client = this.client;
      if (!client || this.stopAll || this.stopped()) { clearInterval(this.heartbeat); return; }
      const sentAt = performance.now();
      client.query(HEARTBEAT_SQL, [this.head!.runId, this.epoch]).then(() => this.lease.confirmed(sentAt), (e: unknown) => {
        if (LOST.has((e as { code?: string }).code ?? '')) this.failed(e);
      });
    }, HEARTBEAT_MS).unref();
  }

  private failed(e: unknown): void {
    const code = (e as { code?: string }).code;
    const client = this.client;
    this.client = undefined;
    this.lease.drop();
    void client?.end();
    if (code && LOST.has(code)) {
      if (this.lost) return;
      this.lost = code === 'RB009' ? `this run was taken over in the store (${storeErrorText(e)}); this driver stopped` : `${storeErrorText(e)}; this driver stopped`;
      clearInterval(this.heartbeat);
      this.stop(this.lost);
      this.opts.onTakenOver?.(this.lost);
      return;
    }
    if (this.stopped()) return; // a query cut short by the stop itself
    // A line the store will never take (a four-eyes answer it did not witness), or a run it pruned: stop, never retry.
    if (code === 'RB016' || code === 'RB017') { clearInterval(this.heartbeat); this.stop(`the store refused this transcript: ${storeErrorText(e)}`); return; }
    const why = storeErrorText(e);
    // RB002/RB003: a batch that went in though its answer was lost; the reconnect's reconcile sorts it out.
    if (this.state !== 'down') this.opts.notify?.(`store unreachable (${why}); ${this.queue.length} events wait here, the run goes on`);
    this.state = 'down';
    this.reason = why;
    if (this.draining) for (const f of [...this.idle]) f();
  }

  private stop(reason: string): void {
    this.state = 'stopped';
    this.reason = reason;
    this.opts.notify?.(reason);
  }

  private async backOff(): Promise<void> {
    const ms = this.retry;
    this.retry = Math.min(ms * 2, this.opts.retryMs?.max ?? 2000);
    await new Promise<void>((resolve) => {
      // Unref'd: a back-off never keeps a finished run's process alive (drain() holds it while it waits).
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, ms).unref();
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
    });
  }
}

function tsOf(text: string): string {
  const m = /"ts":"([^"]+)"/.exec(text);
  return m?.[1] ?? new Date().toISOString();
}
