// Name or path → validated runbook, or a UserError listing the diagnostics.
import { findRunbook, type CatalogEntry } from './discover.js';
import { formatShown, hasErrors, type Diagnostic } from '../language/diagnostic.js';
import { checkCalls } from './called-runbooks.js';
import { readFileSync } from 'node:fs';
import { prevalidatedBytes } from './prevalidated.js';
import { readRunbook, runbookFromBytes, type ReadResult, type Runbook } from '../language/runbook.js';
import { closest } from '../language/suggest.js';
import { catalog } from './discover.js';
import { UserError } from '../common/errors.js';

export function loadRunbook(ref: string): { runbook: Runbook; entry: CatalogEntry; warnings: string[] } {
  const entry = findRunbook(ref);
  if (!entry) {
    const guess = closest(ref, catalog().keys());
    throw new UserError(`no runbook named '${ref}'${guess ? ` — did you mean '${guess}'?` : ''} (see 'runbook list', or give a path to a .yaml file)`);
  }
  const { runbook, diagnostics } = entry.origin === 'built-in' ? readBuiltin(entry.file) : readRunbook(entry.file);
  // Calls are checked before anything runs: a wrong name or input fails here, at the call, not mid-incident.
  const all = runbook ? [...diagnostics, ...checkCalls(runbook, readRunbook)] : diagnostics;
  // Refused: the errors first, then the warnings. The first line is why (the caller may quote it after 'cannot be
  // loaded'); a warning above the errors, in position order, read as the reason.
  if (!runbook || hasErrors(all)) throw new UserError([...all.filter(isError), ...all.filter((d) => !isError(d))].map(formatShown).join('\n'));
  return { runbook, entry, warnings: all.map(formatShown) };
}

const isError = (d: Diagnostic): boolean => d.severity === 'error';

/** A built-in runbook, byte for byte, is not validated again at every run: its validation was stored when dist/
 *  was built (~¼ of a cold run's CPU for the largest). Bytes that differ by one are validated. Only the catalog's
 *  built-ins look the index up: for any other file, parsing it (~1.6 ms) would be start-up spent for nothing. */
function readBuiltin(file: string): ReadResult {
  let bytes: Buffer;
  try { bytes = readFileSync(file); } catch { return readRunbook(file); } // says why it cannot be read
  const known = prevalidatedBytes(bytes, file);
  return runbookFromBytes(bytes, file, known?.valid ? known.diagnostics : undefined);
}
