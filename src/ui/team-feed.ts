// What the team store says while a run goes on (not run events: nothing here is recorded): the state of a
// four-eyes wait and the store's one-line notices. The terminal UI draws them (the gate's panel, the header);
// without it (plain mode, before the live view is up, after it closed) each line is written out instead, so
// nothing is ever written over the ink screen.
import { terminalText } from '../common/terminal-text.js';

/** A four-eyes gate waiting for a teammate, as the store lets the driver see it. */
export interface GateWait {
  stepId: string;
  /** The command a teammate runs to decide. */
  command: string;
  /** Who may approve, in words (from the store: runbook_approvers' members, or anyone but the operator). */
  mayApprove?: string;
  store: 'connecting' | 'reachable' | 'unreachable';
  /** Why the store is unreachable, one line. */
  why?: string;
}

export interface TeamView {
  wait?: GateWait;
  /** The store's newest notice (down, back, stopped, taken over). */
  notice?: string;
  /** Transcript lines not yet in the store (undefined: no store). */
  pending?: number;
}

export interface TeamFeed {
  get(): TeamView;
  subscribe(listener: () => void): () => void;
  /** A line about the store: a notice while a live view draws, else written out. `drawnElsewhere`: the live
   *  view shows this already (the wait's state in the gate panel), so it is written out only without one. */
  say(line: string, drawnElsewhere?: boolean): void;
  setWait(wait: GateWait | undefined): void;
  setPending(n: number | undefined): void;
  /** The live view takes the lines (true) or lets go of them (false). */
  setDrawn(on: boolean): void;
  readonly drawn: boolean;
}

export function createTeamFeed(writeLine: (line: string) => void): TeamFeed {
  let view: TeamView = {};
  let drawn = false;
  const listeners = new Set<() => void>();
  const set = (next: TeamView) => { view = next; for (const l of [...listeners]) l(); };
  const safe = <T extends object | undefined>(x: T): T => (x === undefined ? x : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === 'string' ? terminalText(v) : v])) as T);
  return {
    get: () => view,
    subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    say(line, drawnElsewhere = false) {
      if (!drawn) writeLine(line);
      else if (!drawnElsewhere) set({ ...view, notice: terminalText(line) });
    },
    setWait(wait) { set({ ...view, wait: safe(wait) }); },
    setPending(n) { if (n !== view.pending) set({ ...view, pending: n }); },
    setDrawn(on) { drawn = on; },
    get drawn() { return drawn; },
  };
}
