import { catalog } from '../../catalog/discover.js';
import { prevalidated, type Prevalidated } from '../../catalog/prevalidated.js';
import { loadValidator } from '../../catalog/validator.js';
import { say, sayJson, sayRows } from '../say.js';

/** Title, summary and diagnostics: from the build's index for an unchanged built-in, else by validating. */
async function describe(file: string): Promise<Prevalidated> {
  const known = prevalidated(file);
  if (known) return known;
  const { readRunbook } = await loadValidator();
  const { runbook, diagnostics } = readRunbook(file);
  return { valid: runbook !== undefined, title: runbook?.doc.title, summary: runbook?.doc.summary, diagnostics };
}

export async function listCommand(opts: { json?: boolean }): Promise<number> {
  const rows = [];
  for (const entry of catalog().values()) {
    const { valid, title, summary, diagnostics } = await describe(entry.file);
    rows.push({
      name: entry.name,
      title: valid ? title : '(invalid runbook — run `runbook validate`)',
      summary: (valid ? summary : undefined) ?? '',
      source: entry.origin,
      file: entry.file,
      valid,
      ...(entry.shadows ? { overrides: entry.shadows.file } : {}),
      errors: diagnostics.filter((d) => d.severity === 'error').length,
    });
  }
  if (opts.json) {
    sayJson(rows);
    return 0;
  }
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  // A runbook's title and summary take one row each, whatever they hold: a title's line break drew a fake entry.
  sayRows(rows.flatMap((r) => {
    const note = r.overrides ? `  [${r.source}: overrides ${r.overrides}]` : r.source === 'built-in' ? '' : `  [${r.source}]`;
    return [`${r.name.padEnd(width)}  ${r.title}${note}`, ...(r.summary ? [`${' '.repeat(width)}  ${r.summary.trim()}`] : [])];
  }), width + 2);
  if (rows.length === 0) say('No runbooks found. Create one with `runbook new <name>`.\n');
  return 0;
}
