// `runbook follow <run-id>`: a teammate's run, live, from the store, drawn as replay draws a transcript.
import { EXIT } from '../../common/errors.js';
import { checkLine } from '../../transcript/check-line.js';
import { renderLine } from '../../transcript/replay/render.js';
import type { TranscriptLine } from '../../events/schema.js';
import { findRun, followRun } from '../../store/follow.js';
import { openStore, requireStoreUrl } from '../../store/open.js';
import { findTrust } from '../../store/signing.js';
import { say, sayError, stdoutWidth } from '../say.js';

export async function followCommand(id: string, opts: { store?: string }): Promise<number> {
  const store = requireStoreUrl(opts.store);
  const trust = findTrust();
  const client = await openStore(store);
  let runId: string;
  let operator: string | undefined;
  try {
    runId = await findRun(client, id);
    // Who started it, as the store knows them (their login role): the header's own name is the OS user's.
    operator = (await client.query<{ operator: string }>('SELECT operator FROM runbook.runs WHERE run_id = $1', [runId]))[0]?.operator;
  } finally { await client.end(); }
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  let waiting = false;
  try {
    await followRun({
      url: store.url, runId, signal: stop.signal, ...(trust ? { trust } : {}),
      notify: (m) => sayError(`follow: ${m}\n`),
      onLine: (text, seq) => {
        const line = parse(text, seq);
        if (!line) return false;
        for (const shown of renderLine(line, { ...(operator ? { storeRole: operator } : {}), width: stdoutWidth() })) say(`${shown}\n`);
        if (line.type === 'resumed') waiting = false;
        if (line.type !== 'run-finished') return false;
        if (line.outcome !== 'interrupted') return true;
        // An interrupted run is resumed where it stopped (here or on another machine): keep watching.
        if (!waiting) sayError('follow: the run was interrupted; waiting for a resume (Ctrl-C to stop following)\n');
        waiting = true;
        return false;
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  return stop.signal.aborted ? EXIT.aborted : EXIT.ok;
}

/** A stored line readers can draw; one that is not says so instead of being drawn. */
function parse(text: string, seq: number): TranscriptLine | undefined {
  let value: unknown;
  try { value = JSON.parse(text); } catch { value = undefined; }
  const why = value && typeof value === 'object' ? checkLine(value) : 'not a JSON object';
  if (why) { sayError(`follow: event ${seq} skipped: ${why}\n`); return undefined; }
  return value as TranscriptLine;
}
