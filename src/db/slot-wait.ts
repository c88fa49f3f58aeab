// The runbook's own connection to a server at its connection limit: the moment it is needed most (pool
// exhaustion) is the moment it is refused. The slot kept for administrators (PostgreSQL's
// superuser_reserved_connections, MariaDB's one extra SUPER connection) frees and fills all the time: a refused
// login still counts on MariaDB until its thread has left, and an application retrying in a loop refuses the
// administrator's login for an instant again and again. A refused login ran nothing, so it is tried again after
// short pauses for up to 5 s, within the connect timeout; then the refusal stands, saying how often it came.
//
// SQL steps use this; probes do not: they report what the application sees, at once.
import { classify, diagnosed } from './classify.js';
import { openSession } from './open.js';
import type { ConnectionInfo } from './url.js';
import type { OpenOptions, Session } from './session.js';
import { sleep } from '../common/sleep.js';

/** How long a refused login is tried again, and the pauses between tries (doubling up to the last). */
export const SLOT_WAIT_MS = 5_000;
const PAUSES_MS = [250, 500, 1000];

export async function openWhenASlotFrees(info: ConnectionInfo, opts: OpenOptions): Promise<Session> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const stopTrying = Math.min(deadline, started + SLOT_WAIT_MS);
  for (let tries = 1; ; tries++) {
    try {
      return await openSession(info, { ...opts, timeoutMs: Math.max(1, deadline - Date.now()) });
    } catch (err) {
      if (classify(err) !== 'too-many-connections') throw err;
      const pause = PAUSES_MS[Math.min(tries, PAUSES_MS.length) - 1]!;
      if (opts.signal.aborted || Date.now() + pause >= stopTrying) {
        if (tries === 1) throw err;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        throw diagnosed(err, 'too-many-connections', `refused ${tries} times over ${seconds} s`);
      }
      await sleep(pause, opts.signal);
    }
  }
}
