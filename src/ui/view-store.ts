// Holds the view model outside React and subscribes to the run at once: attachUI is called before
// run.start(), and the first events must not wait for a component's effect to subscribe.
// Progress within a step (output chunks, a loop's items, their processes and sessions) is coalesced: one
// re-render per OUTPUT_BATCH_MS, however chatty the step or long the loop (a 10,000-item loop drew 20,000
// frames). Every other event is shown at once, with whatever progress came before it.
import type { Run } from '../engine/run.js';
import type { RunEvent } from '../engine/events.js';
import type { RunbookDoc } from '../language/schema.js';
import { addWithheld, initialViewModel, reduce, type ViewModel } from './view-model.js';
import { terminalSafe } from '../common/terminal-text.js';

export interface ViewStore {
  get(): ViewModel;
  /** The w key: show or hide what steps given a secret printed (on this screen only). */
  toggleWithheld(): void;
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

export const OUTPUT_BATCH_MS = 30;
const PROGRESS = new Set<RunEvent['type']>(['step-output', 'item-finished', 'step-process', 'step-session']);

/** An event as the view keeps it: terminal-safe, except a gate's command text (command, target, env, directory,
 *  items; a finished item's label), kept as it runs: the gate names every character of it outside printable ASCII itself (visible-text.ts
 *  exactText), which terminalSafe would have turned into ASCII (`<U+202E>`, indistinguishable from the same
 *  characters typed) or kept (the joiners). Nothing draws those fields but through exactText. */
function shownEvent(event: RunEvent): RunEvent {
  const safe = terminalSafe(event);
  // A running step's command too (frame/current.ts draws it exactly): terminalSafe drops an SGR sequence.
  if (event.type === 'step-started' && safe.type === 'step-started') return event.command === undefined ? safe : { ...safe, command: event.command };
  // A for_each item as the step ran with it (view-model draws it exactly), as the gate showed it.
  if (event.type === 'item-finished' && safe.type === 'item-finished') return { ...safe, label: event.label };
  if (event.type !== 'confirmation-requested' || safe.type !== 'confirmation-requested') return safe;
  const { command, target, env, cwd, items } = event;
  return { ...safe, command, ...(target !== undefined ? { target } : {}), ...(env ? { env } : {}), ...(cwd !== undefined ? { cwd } : {}), ...(items ? { items } : {}) };
}

/** `onError`: the reducer threw. The run swallows a listener's errors, so without this the view would
 *  silently freeze (a gate could open unseen). */
export function createViewStore(run: Pick<Run, 'on'> & Partial<Pick<Run, 'onWithheldOutput'>>, doc?: RunbookDoc, onError: (err: Error) => void = () => {}, clock: () => number = Date.now): ViewStore {
  // Everything shown comes through here: the runbook's titles, and each event with its output, cells and
  // messages, made terminal-safe (common/terminal-text.ts). The run keeps the raw values.
  let latest = initialViewModel(doc && terminalSafe(doc));
  let shown = latest;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<() => void>();
  const publish = () => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (shown === latest) return;
    shown = latest;
    for (const l of [...listeners]) l();
  };
  const off = run.on((event) => {
    try { latest = reduce(latest, shownEvent(event), clock()); } catch (e) { off(); onError(e as Error); return; }
    if (!PROGRESS.has(event.type)) publish();
    else timer ??= setTimeout(publish, OUTPUT_BATCH_MS);
  });
  const offWithheld = run.onWithheldOutput?.((stepId, stream, chunk) => {
    latest = addWithheld(latest, stepId, stream, terminalSafe(chunk));
    if (latest.showWithheld) timer ??= setTimeout(publish, OUTPUT_BATCH_MS);
  });
  return {
    get: () => shown,
    toggleWithheld() { latest = { ...latest, showWithheld: !latest.showWithheld }; publish(); },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() { off(); offWithheld?.(); if (timer) clearTimeout(timer); listeners.clear(); },
  };
}
