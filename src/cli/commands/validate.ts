import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalog, filesIn, isCasesFile, isRunbookFile } from '../../catalog/discover.js';
import { prevalidated } from '../../catalog/prevalidated.js';
import { loadCasesChecker, loadValidator } from '../../catalog/validator.js';
import { formatDiagnostic, formatShown, type Diagnostic } from '../../language/diagnostic.js';
import { UserError } from '../../common/errors.js';
import { callDependencies, checkCalls } from '../../catalog/called-runbooks.js';
import { cacheEnabled, cachedValidation, hashOf, sqlCachePlace, storeValidation } from '../../catalog/validate-cache.js';
import { plural } from '../../common/plural.js';
import { sayJson, sayRows } from '../say.js';

/** With --json, stdout is always one JSON document of the shape in docs/validate.schema.json, also when a path is
 *  missing or a directory holds no runbook: those are diagnostics of their own (`no-such-path`, `no-runbooks`). */
export async function validateCommand(paths: string[], opts: { json?: boolean }): Promise<number> {
  const all: Diagnostic[] = [];
  const files = paths.length ? paths.flatMap((path) => {
    try { return expand(path); } catch (e) {
      if (!opts.json || !(e instanceof UserError)) throw e;
      all.push(pathDiagnostic(path, e.message));
      return [];
    }
  }) : [...catalog().values()].map((e) => e.file);
  for (const file of files) {
    // An unchanged built-in was validated when dist/ was built; anything else loads the validator.
    const known = prevalidated(file);
    if (known) { all.push(...known.diagnostics); continue; }
    // A local runbook validated before, unchanged and with unchanged callees (validate-cache.ts).
    const cached = cachedValidation(file);
    if (cached) { all.push(...cached); continue; }
    const { readRunbook, pgParserFailed, useVerdictCache } = await loadValidator();
    // Each statement's verdict is kept too: an edit that leaves the SQL alone loads no parser (verdict-cache.ts).
    const sqlCache = sqlCachePlace();
    if (sqlCache) useVerdictCache(sqlCache.dir, sqlCache.buildId);
    // A cases file named on the command line (validate *.yaml): checked against its runbook, as runbook test does.
    if (isCasesFile(file)) { all.push(...(await casesDiagnostics(file, readRunbook))); continue; }
    const bytes = readBytes(file);
    const read = readRunbook(file);
    const found = [...read.diagnostics];
    if (read.runbook) found.push(...checkCalls(read.runbook, readRunbook));
    all.push(...found);
    // A parser that did not answer (a starved machine) makes errors the text does not have: never stored.
    if (!cacheEnabled() || pgParserFailed()) continue;
    const deps = read.runbook ? callDependencies(read.runbook, readRunbook, hashOf) : [];
    // Bytes read before validating: if the file changed in between, the entry is keyed by the old bytes and
    // is simply never hit. Stored only when the bytes are still those (no torn result).
    if (bytes && deps && bytes.equals(readBytes(file) ?? Buffer.alloc(0))) storeValidation(file, bytes, found, deps);
  }
  // A call checked from two files (both validated) reports its problem once.
  const unique = [...new Map(all.map((d) => [formatDiagnostic(d), d])).values()];
  all.length = 0;
  all.push(...unique);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (opts.json) {
    sayJson({ files: files.length, errors, warnings, diagnostics: all });
  } else {
    // A diagnostic is one row, whatever the text it quotes (a path, a cases file's or a callee's words).
    sayRows([...all.map(formatShown), `${plural(files.length, 'runbook')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`]);
  }
  return errors ? 2 : 0;
}

function pathDiagnostic(path: string, message: string): Diagnostic {
  return { severity: 'error', code: /^no \.yaml/.test(message) ? 'no-runbooks' : 'no-such-path', file: resolve(path), line: 1, col: 1, message };
}

function expand(path: string): string[] {
  let stat;
  try { stat = statSync(path); } catch { throw new UserError(`no such file or directory: ${path}`); }
  if (!stat.isDirectory()) return [resolve(path)];
  const files = filesIn(path);
  if (files.length === 0) throw new UserError(`no .yaml runbooks in ${path}`);
  return files.filter(isRunbookFile);
}

function readBytes(file: string): Buffer | undefined {
  try { return readFileSync(file); } catch { return undefined; }
}

/** The problems of a cases file (`<name>.cases.yaml`) against the runbook beside it (`<name>.yaml`). */
async function casesDiagnostics(file: string, readRunbook: Awaited<ReturnType<typeof loadValidator>>['readRunbook']): Promise<Diagnostic[]> {
  const runbookFile = ['.yaml', '.yml'].map((ext) => file.replace(/\.cases\.ya?ml$/i, ext)).find((f) => existsSync(f));
  if (!runbookFile) {
    return [{ severity: 'error', code: 'cases-without-runbook', file, line: 1, col: 1,
      message: `this is a cases file for runbook test, and no runbook ${file.replace(/\.cases\.ya?ml$/i, '.yaml').split('/').pop()} is beside it to check it against: run runbook test <runbook> --cases ${file.split('/').pop()}` }];
  }
  const { runbook } = readRunbook(runbookFile);
  if (!runbook) return []; // the runbook's own errors say what to fix first (validate it)
  const { loadCases } = await loadCasesChecker();
  return loadCases(file, runbook.doc, runbook.file).diagnostics;
}
