// `runbook store migrate`: create or upgrade the team store's schema.
import { openStore, requireStoreUrl } from '../../store/open.js';
import { migrateStore } from '../../store/migrate.js';
import { maskUrl } from '../../db/url.js';
import { readFileSync } from 'node:fs';
import { sayError, sayJson, sayRows } from '../say.js';
import { fileLines } from '../../transcript/sink.js';
import { UserError } from '../../common/errors.js';
import { storeErrorText } from '../../store/client.js';

export async function storeMigrateCommand(opts: { store?: string }): Promise<number> {
  const store = requireStoreUrl(opts.store);
  // Creating the schema may take longer than a run's statements are allowed.
  const client = await openStore(store, { migrating: true, statementMs: 30_000 });
  try {
    const r = await migrateStore(client).catch((e: unknown) => {
      if (e instanceof UserError) throw e;
      throw new UserError(`store migrate failed (as ${client.role}): ${storeErrorText(e)}`);
    });
    // The URL and the role are the operator's and the server's text: one row, whatever they hold.
    sayRows([r.applied.length
      ? `store ${maskUrl(store.url)}: schema runbook migrated from version ${r.from} to ${r.to} (as ${client.role})`
      : `store ${maskUrl(store.url)}: schema runbook is at version ${r.to}; nothing to do`]);
    return 0;
  } finally {
    await client.end();
  }
}

/** How long `store push` keeps trying before it gives up (the store may still be coming back). */
const PUSH_MS = 30_000;

/** `runbook store push <transcript>`: the lines of a transcript the store does not have yet (a run that ended
 *  while the store was down). The same checks as a live upload: a store copy that differs stops it. */
export async function storePushCommand(path: string, opts: { store?: string }): Promise<number> {
  const store = requireStoreUrl(opts.store);
  const { readTranscript } = await import('../../transcript/reader.js');
  readTranscript(path); // a clear error for a file that is not a transcript
  const { Uploader } = await import('../../store/uploader.js');
  const { findSigningKey, findTrust } = await import('../../store/signing.js');
  const signingKey = findSigningKey();
  const trust = findTrust();
  // Like a resume: refused while a driver holds the run; otherwise this push is its driver until it is done.
  const uploader = new Uploader({ url: store.url, notify: (m) => sayError(`store: ${m}\n`), mode: 'push', foreground: true,
    ...(signingKey ? { signingKey } : {}), ...(trust ? { trust } : {}) });
  const lines = fileLines(readFileSync(path, 'utf8'));
  for (const l of lines) uploader.line(l.seq, l.text);
  uploader.synced(lines[lines.length - 1]?.seq ?? -1);
  const s = await uploader.drain(PUSH_MS);
  if (s.state === 'stopped') throw new UserError(`store push stopped: ${s.reason ?? 'unknown reason'}`);
  if (s.pending) throw new UserError(`${s.pending} lines not uploaded: ${s.reason ?? 'the store did not answer'}`, 75);
  sayRows([`run ${s.runId ?? '?'}: the store has all ${lines.length} lines (${s.uploaded} uploaded now)`]);
  return 0;
}

/** `runbook store prune --older-than 90d`: whole runs that ended before then leave the store (docs/team.md). */
export async function storePruneCommand(opts: { store?: string; olderThan: string; dryRun?: boolean; json?: boolean }): Promise<number> {
  const { pruneAge, pruneRuns } = await import('../../store/prune.js');
  const age = pruneAge(opts.olderThan);
  const store = requireStoreUrl(opts.store);
  // A batch deletes up to PRUNE_BATCH runs' events: longer than a run's statements are allowed.
  const client = await openStore(store, { statementMs: 120_000 });
  try {
    const s = await pruneRuns(client, age, opts.dryRun === true);
    if (opts.json) { sayJson({ ...s, dryRun: opts.dryRun === true, role: client.role }); return 0; }
    const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const span = s.first && s.last ? ` (last heard from ${when(s.first)} to ${when(s.last)})` : '';
    sayRows([`${opts.dryRun ? 'would prune' : 'pruned'} ${s.runs} run${s.runs === 1 ? '' : 's'} and ${s.events} events that ended before ${when(s.cutoff)}${span}`
      + `${opts.dryRun ? '' : `, as ${client.role}; each is recorded in runbook.pruned`}`]);
    if (s.kept) sayRows([`kept ${s.kept} older run${s.kept === 1 ? '' : 's'} that did not end (running or interrupted): resume or end ${s.kept === 1 ? 'it' : 'them'} first`]);
    return 0;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`store prune failed (as ${client.role}): ${storeErrorText(e)}`);
  } finally {
    await client.end();
  }
}
