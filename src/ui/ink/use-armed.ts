// A gate or question on screen takes no keys for its first moment: keys typed before it (type-ahead, a paste,
// "2 Enter" where the 2 answered the last question) must not answer one the operator has not read. Armed per
// mounted panel by the scheduler (use-gate-arming.ts: a window, then ordered by the event loop; tests arm by
// hand); the panels show their keys only once armed, and a panel hidden behind a view arms again when it is back.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ArmScheduler } from './use-gate-arming.js';

/** `shown`: armed, for the frame. `armed()`: armed now, for key handlers. The panels keep their key listeners
 *  on from the start and drop keys while `armed()` is false: ink attaches a listener in an effect, which may run
 *  after the frame that shows the keys, and a listener switched on at arming could miss keys typed at once. */
export function useArmed(schedule: ArmScheduler): { shown: boolean; armed(): boolean } {
  const ref = useRef(false);
  const [shown, setShown] = useState(false);
  useEffect(() => schedule(() => { ref.current = true; setShown(true); }), [schedule]);
  const armed = useCallback(() => ref.current, []);
  return { shown, armed };
}
