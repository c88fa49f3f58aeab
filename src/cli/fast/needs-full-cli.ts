// Stands in for catalog/validator.ts in dist/fast.cjs (bin/bundle.mjs swaps it in). A runbook that the build's
// index does not cover needs the validator: dist/validator.cjs, the same sources as one CommonJS file, loaded
// with its V8 code cache (src/common/code-cache.ts), so validating a local runbook never starts the ES module loader nor
// compiles the validator again (issue #32). A cases file needs runbook test's checks, which only the full CLI
// loads: the fast path gives up (list and validate ask before they print anything, so nothing is written twice).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { loadCasesChecker as realLoadCasesChecker, loadValidator as realLoadValidator } from '../../catalog/validator.js';
import { loadWithCodeCache } from '../../common/code-cache.js';

export class NeedsFullCli extends Error {
  constructor() { super('this command needs the full CLI'); }
}

type Validator = Awaited<ReturnType<typeof realLoadValidator>>;
let validator: Validator | undefined;
export const loadValidator: typeof realLoadValidator = async () => {
  // import.meta.url is dist/fast.cjs's own URL in that build.
  const file = join(dirname(fileURLToPath(import.meta.url)), 'validator.cjs');
  try {
    validator ??= loadWithCodeCache(file).exports as Validator;
  } catch (e) {
    // A build without it (an older dist/): the full CLI validates.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && (e as NodeJS.ErrnoException).path === file) throw new NeedsFullCli();
    throw e;
  }
  return validator;
};
export const loadCasesChecker: typeof realLoadCasesChecker = () => Promise.reject(new NeedsFullCli());
