// Type-ahead must not answer a gate: keys the operator typed before the gate was on the screen (hammering y
// through the step before it) are dropped. A clock alone cannot tell them apart on a busy machine: a key typed
// before the gate may sit unread in the terminal's buffer for longer than any window, and then reach us "late".
// So arming is ordered by the event loop, not by reading the time a key is handled:
//   1. the window (GATE_ARM_MS) starts after the gate's frame is committed; ink's (throttled) write of that
//      frame is a shorter timer, so it runs first;
//   2. when the window ends, one more turn of the loop: its poll phase reads every key that reached the
//      terminal by then, and the gate is still unarmed for them;
//   3. then (setImmediate: the check phase, after that poll) the gate is armed.
// A key handled after that arrived after the window: the operator saw the gate. Each panel arms when it is
// mounted (use-armed.ts), so a gate hidden behind a view (the keys, the evidence) arms again when it is back.
/** Starts arming; calls `arm` when the gate may take keys. Returns a cancel function. */
export type ArmScheduler = (arm: () => void) => () => void;

export function armAfter(ms: number): ArmScheduler {
  // 0: no window (tests of the panels' keys); still armed only once the gate's frame is committed.
  if (ms <= 0) return (arm) => { arm(); return () => undefined; };
  return (arm) => {
    let cancelled = false;
    // Two check phases: at least one whole poll phase lies between the window's end and the arming.
    const timer = setTimeout(() => setImmediate(() => setImmediate(() => { if (!cancelled) arm(); })), ms);
    return () => { cancelled = true; clearTimeout(timer); };
  };
}
