/** Waits `ms` (short pauses: under setTimeout's 24.8-day limit), or less if `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); }
  });
}
