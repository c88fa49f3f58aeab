// Timers that never overflow: Node's setTimeout takes at most 2^31-1 ms (~24.8 days) and fires at once
// (with a warning) past that, so a long wait would end immediately. Longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` after `ms` (clamped to ≥ 0; Infinity never fires). Returns the cancel function. */
export function setSafeTimeout(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  const due = Date.now() + Math.max(0, ms);
  const arm = (): void => {
    const left = due - Date.now();
    if (!Number.isFinite(left)) return;
    timer = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  if (Number.isNaN(ms)) timer = setTimeout(fn, 0); else arm();
  return () => clearTimeout(timer);
}

/** Waits `ms` (any length), or less if `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const cancel = setSafeTimeout(done, ms);
    function done() { cancel(); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}
