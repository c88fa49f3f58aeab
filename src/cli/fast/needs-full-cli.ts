// Stands in for catalog/validator.ts in dist/fast.cjs (bin/bundle.mjs swaps it in): a runbook that the build's
// index does not cover needs the validator, which only the full CLI loads, so the fast path gives up.
// list and validate ask for it before they print anything, so nothing is written twice.
import type { loadCasesChecker as realLoadCasesChecker, loadValidator as realLoadValidator } from '../../catalog/validator.js';

export class NeedsFullCli extends Error {
  constructor() { super('this command needs the full CLI'); }
}

export const loadValidator: typeof realLoadValidator = () => Promise.reject(new NeedsFullCli());
export const loadCasesChecker: typeof realLoadCasesChecker = () => Promise.reject(new NeedsFullCli());
