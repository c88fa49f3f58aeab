// A step the author vouches for: `destructive: false` with a `safe_because`. Not proven to only read, so not a
// read: it is shown, not run, in a dry run, runs only while the store confirms the driver, and is asked about
// again when it was in flight as a run stopped (it may have partly run).
import type { StepDoc } from './schema.js';

export const vouchedFor = (step: StepDoc): boolean => step.destructive === false && !!step.safe_because?.trim();
