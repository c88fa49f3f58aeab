// Waiting for something that happens in its own time (a server, a child process, a frame, a background
// sync) by polling. No test asserts on timing: these limits are hang guards that only stop a test that would
// otherwise wait for ever, so each is at least 10× what it waits for on an idle machine (issue #20).

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() gives a truthy value and returns it; throws after timeoutMs, naming what it waited for. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string, everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

/** Polls until check() is true; false if it still is not after ms (the caller asserts, with its own message).
 *  The default is a hang guard for things that take well under a second on an idle machine. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 15_000, everyMs = 25): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await pause(everyMs);
  }
}

/** Awaits p with a hang guard: a run that never ends or a child that never exits fails the test after
 *  timeoutMs, naming what it waited for, instead of holding the whole file until the runner's timeout. */
export async function settles<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try { return await Promise.race([p, guard]); } finally { clearTimeout(timer); }
}

/** A step timeout a test provokes: the shortest of `limits` (seconds) under which the step got as far as
 *  `started()` before its timeout ended it. On a starved machine the step may not even start its children
 *  within a short limit; that says nothing of what the test checks, so the next, longer limit is tried. Throws,
 *  with the last run's output, when no limit was long enough. */
export async function withStepTimeout<R extends { code: number | null; stdout: string; stderr: string }>(
  limits: number[], start: (limitS: number) => PromiseLike<R>, started: () => boolean, what: string,
): Promise<{ run: R; limitS: number }> {
  let last: R | undefined;
  for (const limitS of limits) {
    let done: R | undefined;
    const run = start(limitS);
    void Promise.resolve(run).then((r) => { done = r; });
    const end = Date.now() + limitS * 1000 + 60_000;
    while (!done && !started() && Date.now() < end) await pause(25);
    if (started()) return { run: await run, limitS };
    last = done ?? await run;
  }
  throw new Error(`${what} never started within a step timeout of ${limits.join(', ')} s: ${last?.stdout ?? ''}${last?.stderr ?? ''}`);
}
