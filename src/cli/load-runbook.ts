// Name or path → validated runbook, or a UserError listing the diagnostics.
import { findRunbook, type CatalogEntry } from '../catalog/discover.js';
import { formatDiagnostic } from '../language/diagnostic.js';
import { readRunbook, type Runbook } from '../language/runbook.js';
import { closest } from '../language/suggest.js';
import { catalog } from '../catalog/discover.js';
import { UserError } from '../common/errors.js';

export function loadRunbook(ref: string): { runbook: Runbook; entry: CatalogEntry; warnings: string[] } {
  const entry = findRunbook(ref);
  if (!entry) {
    const guess = closest(ref, catalog().keys());
    throw new UserError(`no runbook named '${ref}'${guess ? ` — did you mean '${guess}'?` : ''} (see 'runbook list', or give a path to a .yaml file)`);
  }
  const { runbook, diagnostics } = readRunbook(entry.file);
  const lines = diagnostics.map(formatDiagnostic);
  if (!runbook) throw new UserError(lines.join('\n'));
  return { runbook, entry, warnings: lines };
}
