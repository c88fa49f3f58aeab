// Whether a resumed run acts where the run started, besides its connections (issue #46): the working directory
// and the servers its environment names, as the header recorded them (transcript/run-place.ts), against now.
import { UserError } from '../common/errors.js';
import { ENGINE_OWN, placeOf, type RunPlace } from '../transcript/run-place.js';
import type { Transcript } from '../transcript/reader.js';

/** What differs between the place a run recorded and the one a resume would act in, one phrase each. */
export function placeChanges(recorded: Partial<RunPlace>, now: RunPlace): string[] {
  const out: string[] = [];
  if (recorded.cwd !== undefined && recorded.cwd !== now.cwd) out.push(`the run started in ${recorded.cwd}, and this is ${now.cwd} (its relative paths and cwd: steps would act here)`);
  if (recorded.serverEnv) {
    for (const name of new Set([...Object.keys(recorded.serverEnv), ...Object.keys(now.serverEnv)])) {
      if (ENGINE_OWN.has(name)) continue; // recorded by a run before it was left out
      const was = recorded.serverEnv[name];
      const is = now.serverEnv[name];
      if (was === is) continue;
      out.push(was === undefined ? `${name} now names ${is}, and the run had no ${name}`
        : is === undefined ? `${name} named ${was} when the run started, and is not set now`
          : `${name} named ${was} when the run started, and names ${is} now`);
    }
  }
  return out;
}

/** The place the run acts in besides its connections: the same, or a refusal naming what moved; --retarget
 *  continues there, every destructive step asking again. */
export function checkSamePlace(t: Transcript, env: NodeJS.ProcessEnv, retarget: boolean, say: (line: string) => void): void {
  const moved = placeChanges(t.header, placeOf(env));
  if (moved.length === 0) return;
  if (!retarget) {
    throw new UserError(`refusing to resume: this run would act somewhere else than it started; nothing was run: ${moved.join('; ')}. ` +
      `Resume from the same place${t.header.cwd ? ` (cd ${t.header.cwd})` : ''} with the same environment, or with --retarget (every destructive step asks again).`);
  }
  say(`--retarget: ${moved.join('; ')}; every destructive step asks again`);
}
