// Where this user's record key is (resume/record-key.ts): named here, below the executors, because the dry run's
// sandbox and the real run's shield hide it from every step (a probe of stop 74 printed its 32 bytes with a
// proven `find … -exec od`, and brute-forced a secret PIN's keyed print from the transcript in two minutes).
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** $XDG_STATE_HOME, or ~/.local/state: the base of the engine's per-user state (transcript/run-state.ts). */
export function stateBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
}

/** Under the account's own home as the password database names it, not $HOME or $XDG_STATE_HOME, which a resume
 *  may have changed (a HOME that moved is named as such, by its digest); without one, the run state's directory. */
export function recordKeyFile(): string {
  let home: string | undefined;
  try { home = userInfo().homedir; } catch { home = undefined; } // no passwd entry (an arbitrary container uid)
  return join(home ? join(home, '.local', 'state', 'runbook') : join(stateBase(), 'runbook', 'runs'), 'record.key');
}
