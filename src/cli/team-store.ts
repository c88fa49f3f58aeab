// A run with a team store configured: an uploader behind its transcript, a line (the terminal UI's notice, or
// stderr) when the store goes down, comes back or stops, and at the end, a bounded wait for the last uploads. Without a store: nothing,
// and pg is never loaded.
import type { BeforeAct } from '../executors/index.js';
import type { TranscriptSink } from '../transcript/sink.js';
import type { TeamFeed } from '../ui/team-feed.js';
import type { StoreClient } from '../store/client.js';
import { findStoreUrl, storeRoleOf } from '../store/url.js';
import { LazyUploader } from '../store/lazy-uploader.js';
import { findSigningKey, findTrust } from '../store/signing.js';
import { sayError } from './say.js';

/** How long a finished run waits for its last lines to reach the store before it exits anyway. */
const FINAL_UPLOAD_MS = 3000;
/** How often the count of lines waiting for the store is looked at. */
const PENDING_MS = 500;

export interface RunStore {
  url: string; /** the store role the run is driven as */ role: string; sink: TranscriptSink; runId(): string | undefined;
  /** Waits for the last lines; says why the store did not take this driver's end of the run (another took it over). */
  finish(transcriptPath: string | undefined): Promise<string | undefined>;
  /** Before each action: why this driver must not act (it lost the run), or undefined. */
  mayAct: BeforeAct;
  pending(): number;
}

export interface DriverOptions {
  /** A resumed run: claimed before its first step (resume/lease.ts), or, the store down then, once it answers. */
  resume?: { claimed?: { client: StoreClient; epoch: number } | undefined };
  /** This driver lost the run (taken over, or another driver holds it): the run must stop before acting again. */
  onLost(message: string): void;
  /** --break-glass: a step not proven to only read may act while the store cannot confirm this driver holds the run. */
  breakGlass?: string | undefined;
}

/** `feed`: where its lines go while the run is on (the terminal UI's header, or stderr). */
export async function storeForRun(flag: string | undefined, feed: TeamFeed, driver: DriverOptions): Promise<RunStore | undefined> {
  const store = findStoreUrl(flag);
  if (!store) {
    await driver.resume?.claimed?.client.end();
    return undefined;
  }
  const claimed = driver.resume?.claimed;
  const signingKey = findSigningKey();
  const trust = findTrust();
  // The uploader itself is loaded once the first step has started (lazy-uploader.ts): start-up stays as without a store.
  const uploader = new LazyUploader({
    url: store.url, notify: (m) => feed.say(`store: ${m}`), onTakenOver: driver.onLost,
    ...(driver.resume ? { mode: 'resume' as const } : {}), ...(claimed ? { claimed } : {}), ...(signingKey ? { signingKey } : {}), ...(trust ? { trust } : {}),
  });
  // While the store is down, how many lines wait for it: the terminal UI's header says so (team-feed.ts).
  const tick = setInterval(() => { const st = uploader.status(); feed.setPending(st.state === 'down' ? st.pending : 0); }, PENDING_MS).unref();
  return {
    url: store.url, role: storeRoleOf(store.url), sink: uploader, runId: () => uploader.status().runId, mayAct: (action) => uploader.mayAct({ ...action, ...(driver.breakGlass ? { breakGlass: driver.breakGlass } : {}) }), pending: () => uploader.status().pending,
    async finish(transcriptPath) {
      clearInterval(tick);
      const s = await uploader.drain(FINAL_UPLOAD_MS);
      if (s.lost) return s.lost;
      if (s.pending === 0 || s.state === 'stopped') return undefined;
      sayError(`store: ${s.pending} events were not uploaded (${s.reason ?? 'the store did not answer'}); they are in the local transcript${transcriptPath ? `. Upload them with: runbook store push ${transcriptPath}` : ''}\n`);
      return undefined;
    },
  };
}
