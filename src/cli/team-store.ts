// A run with a team store configured: an uploader behind its transcript, a line (the terminal UI's notice, or
// stderr) when the store goes down, comes back or stops, and at the end, a bounded wait for the last uploads. Without a store: nothing,
// and pg is never loaded.
import type { TranscriptSink } from '../transcript/sink.js';
import type { TeamFeed } from '../ui/team-feed.js';
import { findStoreUrl } from '../store/url.js';
import { sayError } from './say.js';

/** How long a finished run waits for its last lines to reach the store before it exits anyway. */
const FINAL_UPLOAD_MS = 3000;

export interface RunStore { url: string; sink: TranscriptSink; runId(): string | undefined; finish(transcriptPath: string | undefined): Promise<void> }

/** `feed`: where its lines go while the run is on (the terminal UI's header, or stderr). */
export async function storeForRun(flag: string | undefined, feed: TeamFeed): Promise<RunStore | undefined> {
  const store = findStoreUrl(flag);
  if (!store) return undefined;
  const { Uploader } = await import('../store/uploader.js');
  const uploader = new Uploader({ url: store.url, notify: (m) => feed.say(`store: ${m}`) });
  return {
    url: store.url, sink: uploader, runId: () => uploader.status().runId,
    async finish(transcriptPath) {
      const s = await uploader.drain(FINAL_UPLOAD_MS);
      if (s.pending === 0 || s.state === 'stopped') return;
      sayError(`store: ${s.pending} events were not uploaded (${s.reason ?? 'the store did not answer'}); they are in the local transcript${transcriptPath ? `. Upload them with: runbook store push ${transcriptPath}` : ''}\n`);
    },
  };
}
