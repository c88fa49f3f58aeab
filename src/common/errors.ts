// Exit codes (README): 0 ok, 1 the run ended failed or escalated, 2 usage or validation error, 130 aborted,
// 75 interrupted (EX_TEMPFAIL: the run can be resumed).
export const EXIT = { ok: 0, runFailed: 1, usage: 2, interrupted: 75, aborted: 130 } as const;

/** A mistake of the person at the keyboard: shown as one line, never with a stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) { super(message); this.name = 'UserError'; }
}

/** The exit code a finished run gives the shell. */
export function exitCodeFor(outcome: string): number {
  if (outcome === 'resolved') return EXIT.ok;
  if (outcome === 'aborted') return EXIT.aborted;
  if (outcome === 'interrupted') return EXIT.interrupted;
  return EXIT.runFailed;
}
