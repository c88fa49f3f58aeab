// CPU time instead of the wall clock, for hang guards (issue #20). On a busy machine a test waits for a core
// and its wall time grows without bound; the CPU time it spends on its own work barely moves. A bound on CPU
// time therefore fails only when the work itself blew up (quadratic, exponential), never because the
// machine was loaded. Speed itself is measured in bench/, not asserted in tests.

/** Runs fn and returns its value with the CPU time (user + system, ms) this process spent meanwhile. */
export function cpuTimed<T>(fn: () => T): { value: T; cpuMs: number } {
  const before = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

/** Asserts fn spends at most limitMs of CPU time: a hang guard, so limitMs must be ≥ 10× the idle value. */
export function withinCpu<T>(limitMs: number, fn: () => T, what = 'the work'): T {
  const { value, cpuMs } = cpuTimed(fn);
  if (cpuMs > limitMs) throw new Error(`${what} took ${Math.round(cpuMs)} ms of CPU time (hang guard: ${limitMs} ms)`);
  return value;
}
