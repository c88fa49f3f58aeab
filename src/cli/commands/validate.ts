import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalog, filesIn, isRunbookFile } from '../../catalog/discover.js';
import { prevalidated } from '../../catalog/prevalidated.js';
import { loadValidator } from '../../catalog/validator.js';
import { formatDiagnostic, type Diagnostic } from '../../language/diagnostic.js';
import { UserError } from '../../common/errors.js';
import { checkCalls } from '../../catalog/called-runbooks.js';

export async function validateCommand(paths: string[], opts: { json?: boolean }): Promise<number> {
  const files = paths.length ? paths.flatMap(expand) : [...catalog().values()].map((e) => e.file);
  const all: Diagnostic[] = [];
  for (const file of files) {
    // An unchanged built-in was validated when dist/ was built; anything else loads the validator.
    const known = prevalidated(file);
    if (known) { all.push(...known.diagnostics); continue; }
    const { readRunbook } = await loadValidator();
    const read = readRunbook(file);
    all.push(...read.diagnostics);
    if (read.runbook) all.push(...checkCalls(read.runbook, readRunbook));
  }
  // A call checked from two files (both validated) reports its problem once.
  const unique = [...new Map(all.map((d) => [formatDiagnostic(d), d])).values()];
  all.length = 0;
  all.push(...unique);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ files: files.length, errors, warnings, diagnostics: all }, null, 2)}\n`);
  } else {
    for (const d of all) process.stdout.write(`${formatDiagnostic(d)}\n`);
    process.stdout.write(`${files.length} runbook${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return errors ? 2 : 0;
}

function expand(path: string): string[] {
  let stat;
  try { stat = statSync(path); } catch { throw new UserError(`no such file or directory: ${path}`); }
  if (!stat.isDirectory()) return [resolve(path)];
  const files = filesIn(path);
  if (files.length === 0) throw new UserError(`no .yaml runbooks in ${path}`);
  return files.filter(isRunbookFile);
}
