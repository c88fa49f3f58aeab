// Durations in runbooks, as the engine uses them (the validator has already refused any over the limit).
import { durationMs, MAX_DURATION_MS } from '../language/duration.js';

export function toMs(d: string | number | undefined, fallbackMs: number): number {
  if (d === undefined) return fallbackMs;
  const ms = durationMs(d);
  return ms === undefined ? fallbackMs : Math.min(ms, MAX_DURATION_MS);
}
