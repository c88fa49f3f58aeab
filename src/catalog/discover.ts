// Where runbooks come from, in order of precedence (later wins): built-ins shipped with runbook,
// ./runbooks/ of the current directory, then each RUNBOOK_PATH entry. A path given directly wins over all.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Origin = 'built-in' | 'local' | 'RUNBOOK_PATH' | 'path';

export interface CatalogEntry { name: string; file: string; origin: Origin; shadows?: CatalogEntry }

const here = dirname(fileURLToPath(import.meta.url));

/** The built-in runbooks folder, whether running from src/ or from the bundle in dist/. */
export function builtinDir(): string {
  for (const candidate of [join(here, '..', '..', 'runbooks'), join(here, '..', 'runbooks')]) {
    if (existsSync(candidate)) return resolve(candidate);
  }
  return resolve(here, '..', '..', 'runbooks');
}

export function searchDirs(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): { dir: string; origin: Origin }[] {
  const dirs: { dir: string; origin: Origin }[] = [{ dir: builtinDir(), origin: 'built-in' }];
  const local = resolve(cwd, 'runbooks');
  if (local !== dirs[0]!.dir) dirs.push({ dir: local, origin: 'local' });
  for (const entry of (env.RUNBOOK_PATH ?? '').split(delimiter).filter(Boolean)) dirs.push({ dir: resolve(cwd, entry), origin: 'RUNBOOK_PATH' });
  return dirs;
}

/** Test cases (`<name>.cases.yaml`, see `runbook test`) sit next to their runbook but are not runbooks. */
export const isCasesFile = (f: string) => /\.cases\.ya?ml$/i.test(f);

export const isRunbookFile = (f: string) => ['.yaml', '.yml'].includes(extname(f).toLowerCase()) && !isCasesFile(f);

/** Runbook files directly inside dir (not its subfolders: examples live in runbooks/examples/). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isRunbookFile).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort();
  } catch {
    return [];
  }
}

/** Every runbook by name; the file name (without extension) is the name used on the command line. */
export function catalog(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Map<string, CatalogEntry> {
  const byName = new Map<string, CatalogEntry>();
  for (const { dir, origin } of searchDirs(env, cwd)) {
    for (const file of filesIn(dir)) {
      const name = basename(file, extname(file));
      const previous = byName.get(name);
      byName.set(name, { name, file, origin, ...(previous ? { shadows: previous } : {}) });
    }
  }
  return byName;
}

/** A name from the catalog, or a path to a file. */
export function findRunbook(ref: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CatalogEntry | undefined {
  const looksLikePath = ref.includes('/') || isRunbookFile(ref);
  if (looksLikePath) {
    const file = resolve(cwd, ref);
    return existsSync(file) ? { name: basename(file, extname(file)), file, origin: 'path' } : undefined;
  }
  return catalog(env, cwd).get(ref);
}
