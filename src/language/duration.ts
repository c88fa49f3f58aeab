// Durations in runbooks: seconds as a number, or text like 500ms, 30s, 5m, 1h. One parser for the
// validator (which enforces the limit) and the engine (which turns them into timers).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest duration a runbook may give (a step timeout, a wait, a backoff, a probe timeout) and the
 *  longest --deadline: an incident step that needs more than a day is not a step. It also keeps every timer
 *  far below setTimeout's 2^31-1 ms, past which Node fires a timer at once. */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** Milliseconds, or undefined for text that is not a duration. */
export function durationMs(d: string | number): number | undefined {
  if (typeof d === 'number') return Number.isFinite(d) && d >= 0 ? d * 1000 : undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(d.trim());
  return m ? Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000) : undefined;
}

/** "750h" / "2700000 s" for messages. */
export const formatDuration = (d: string | number): string => (typeof d === 'number' ? `${d}s` : d);
