// Before an action, a driver with a team store asks whether it still drives the run. A step proven to only read
// never waits for the store (local first: the run keeps its pace while the store is down). Any other step (a
// destructive one, or one vouched for with safe_because rather than proven: unknown is not proven) acts only
// once the store has confirmed, just now, that this driver still holds the run: a driver cut off from the store
// cannot know whether a teammate took the run over meanwhile, and two drivers must never both act on the
// target. It waits for the store, saying so, until it answers, the step is stopped, or the driver broke glass.
import { sleep } from '../common/sleep.js';

/** What the check knows of the action (executors/index.ts's BeforeAct) and the driver's --break-glass. */
export interface ActCheck { provenRead?: boolean; signal?: AbortSignal; breakGlass?: string }

/** The driver's side of it (uploader.ts). */
export interface HolderLink {
  /** One round trip: true when the store confirmed this driver holds the run. `reconnect`: connect first when
   *  the store was down (else a store that is down answers false at once: a read never waits for it). */
  confirm(reconnect: boolean): Promise<boolean>;
  /** Why this driver may not act at all (taken over, another driver holds the run). */
  lost(): string | undefined;
  /** Whether another driver could hold the run: it reached the store once, or it is a resumed run. */
  mayHaveRival(): boolean;
  /** Why the store cannot confirm now, for the operator. */
  why(): string;
}

/** How often a waiting step asks the store again. */
const RETRY_MS = 500;

export async function checkBeforeAct(link: HolderLink, check: ActCheck, notify: (line: string) => void): Promise<string | undefined> {
  if (link.lost()) return link.lost();
  const mustKnow = check.provenRead !== true && link.mayHaveRival();
  const confirmed = await link.confirm(mustKnow);
  if (link.lost()) return link.lost();
  if (confirmed || !mustKnow) return undefined;
  if (check.breakGlass) {
    notify(`cannot confirm that this driver still holds the run (${link.why()}); BREAK GLASS: the step acts anyway: ${check.breakGlass}`);
    return undefined;
  }
  notify(`a step that may change the target (destructive, or vouched for, not proven to only read) waits: the store cannot confirm that this driver still holds the run (${link.why()}), and a teammate may have taken it over. It acts once the store answers; or stop here and resume with --break-glass "<reason>"`);
  const signal = check.signal ?? new AbortController().signal;
  while (!signal.aborted) {
    await sleep(RETRY_MS, signal);
    if (signal.aborted) break;
    if (await link.confirm(true)) {
      notify('the store confirmed this driver still holds the run; the step acts');
      return undefined;
    }
    if (link.lost()) return link.lost();
  }
  return 'stopped while the step waited for the team store to confirm this driver still holds the run';
}
