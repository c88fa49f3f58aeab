// What no lock a read may take keeps still, seen after the fact. An owner's CREATE STATISTICS passes the read's
// ACCESS SHARE lock, and a read-only transaction (or a role that may only read) can take no lock that stops it:
// one created between the check and the statement was planned, its IMMUTABLE expression folded, the owner's
// function run (a probe of stop 74, 1 read in 6; dropped again before the read ended). So the read asks its
// catalog questions again after the statement, in its own transaction, and one changed answer fails the step:
// its code may have run, and its result is no proven read's. This detects, it does not prevent: the function
// runs once, at plan time, before anything can be seen (docs/reliability.md).
import { answer, checkFailed, type Rows } from './pg-pin.js';
import { PinRefusal } from './pin-refusal.js';
import { NAMED_RELATION, STATISTICS_READ } from './pg-watch-sql.js';

export class ReadChanged extends Error {
  override readonly name = 'ReadChanged';
}

const changed = (what: string): ReadChanged =>
  new ReadChanged(`the database changed what this read runs while it ran (${what}): its code may have run; not a proven read's result`);

/** PostgreSQL's own `cache lookup failed for <object> N` (XX000) from the read's statement: an object its planner
 *  was using (an owner's statistics object, created and dropped in a loop) was dropped under it, the same race the
 *  watch asks after, met by the server first (plan-race: one read in ~1,500 once the relations' questions were
 *  prepared, stop 81). Said as that race: the server's words alone read like an engine fault. */
export function changedUnder(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code !== 'XX000' || typeof e.message !== 'string' || !/^cache lookup failed for /.test(e.message)) return err;
  return changed(`PostgreSQL: ${e.message}; an object it was planned with was dropped as it ran`);
}

/** What the relations' message answered (absent: the read names none), and the question to ask again. */
export interface Watched { watch: string; rows: string[]; fetched: string }

/** The relations' message's answers to the watch (its query at `watch`, the count at `count`). */
export function watched(results: Rows[], at: { watch: number; count: number }, watch: string): Watched {
  const rows = answer(results, at.watch, 'what its relations\' planner may fold').rows.map((r) => String(r.what));
  const count = answer(results, at.count, 'how many statistics objects it has read').rows[0];
  // Off, the server counts no catalog reads, and a statistics object created and dropped while the statement ran
  // would not be seen (autovacuum needs it on: it is on wherever tables are vacuumed).
  if (count?.counting !== 'on') throw new PinRefusal('track_counts is off on this server, so the engine could not see a statistics object created and dropped while the read ran: not run as a read');
  return { watch, rows, fetched: String(count.fetched) };
}

/** Throws PinRefusal unless the watch, asked last before the statement, found each name the read names where the
 *  checks found it (the same OIDs): what it finds after the statement is then compared with the checked ones. */
export function sameRelations(before: Watched, found: { oid: string; schema: string; name: string }[]): void {
  const now = new Set(before.rows.filter((r) => r.startsWith(NAMED_RELATION)).map((r) => r.slice(NAMED_RELATION.length)));
  const moved = found.find((f) => !now.has(f.oid));
  if (moved) throw new PinRefusal(`${moved.schema}.${moved.name} changed while the read was being checked (another relation now has its name): not run as a read`);
}

/**
 * After the statement, one message: the count first (nothing else there reads a statistics object), then the
 * watch query, then the question whether anything is planted among PostgreSQL's own (`planted`). Throws
 * ReadChanged when an answer differs from the one before.
 */
export async function unchanged(send: (message: string) => Promise<Rows[]>, before: Watched | undefined, planted: string): Promise<void> {
  const parts = [...(before ? [STATISTICS_READ, before.watch] : []), planted];
  const sent = await send(parts.join(';\n')).catch((err: unknown) => {
    const failed = checkFailed(err, 'whether the database changed what this read runs while it ran could not be asked');
    throw failed instanceof PinRefusal ? new ReadChanged(failed.message.replace(/: not run as a read$/, ': not a proven read\'s result')) : failed;
  });
  const results = Array.isArray(sent) ? sent : [sent]; // one statement: pg gives its result alone
  const found = answer(results, parts.length - 1, 'whether the server holds objects someone planted').rows[0];
  if (found) throw changed(`${String(found.kind)} ${String(found.shown)} was created among PostgreSQL's own`);
  if (!before) return;
  const fetched = String(answer(results, 0, 'how many statistics objects it has read').rows[0]?.fetched);
  if (fetched !== before.fetched) throw changed('its planner read a statistics object the check did not see');
  const rows = answer(results, 1, 'what its relations\' planner may fold').rows.map((r) => String(r.what));
  const gone = before.rows.find((r) => !rows.includes(r));
  const added = rows.find((r) => !before.rows.includes(r));
  if (added ?? gone) throw changed(added ? `${added} appeared` : `${gone!} is gone`);
}
