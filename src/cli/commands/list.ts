import { catalog } from '../../catalog/discover.js';
import { readRunbook } from '../../language/runbook.js';

export async function listCommand(opts: { json?: boolean }): Promise<number> {
  const rows = [...catalog().values()].map((entry) => {
    const { runbook, diagnostics } = readRunbook(entry.file);
    return {
      name: entry.name,
      title: runbook?.doc.title ?? '(invalid runbook — run `runbook validate`)',
      summary: runbook?.doc.summary ?? '',
      source: entry.origin,
      file: entry.file,
      valid: runbook !== undefined,
      ...(entry.shadows ? { overrides: entry.shadows.file } : {}),
      errors: diagnostics.filter((d) => d.severity === 'error').length,
    };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  for (const r of rows) {
    const note = r.overrides ? `  [${r.source}: overrides ${r.overrides}]` : r.source === 'built-in' ? '' : `  [${r.source}]`;
    process.stdout.write(`${r.name.padEnd(width)}  ${r.title}${note}\n`);
    if (r.summary) process.stdout.write(`${' '.repeat(width)}  ${r.summary}\n`);
  }
  if (rows.length === 0) process.stdout.write('No runbooks found. Create one with `runbook new <name>`.\n');
  return 0;
}
