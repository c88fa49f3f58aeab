// What a gate shows beside its command, exactly as the gate draws it (visible-text.ts): the target, env values, the
// directory and a for_each's items name every character outside printable ASCII. Shared by every screen that shows
// a gate: the terminal UI's, --plain's, and approve, follow, replay and the report (a probe of stop 70: those showed
// `in dir: …/staging` for `…/st\e[maging`, a link to prod, and the approver's y ran the step there).
import type { ConfirmationRequested, GateItem } from '../engine/events.js';
import { gateSettings, gateTarget } from './format.js';
import { exactLine, exactText, visibleLine } from './visible-text.js';

/** Whether a gate setting (gateSettings' label) is command text, drawn exactly: an env value (its first line
 *  `env`, the rest unlabelled) and the directory; the limits and notes are numbers and words. */
export const drawnExactly = (label: string): boolean => label === 'env' || label === '' || label === 'in dir';

/** The gate's settings: env values and the directory exactly, the limits as they are. */
export function exactSettings(gate: ConfirmationRequested, ascii = false): { label: string; value: string }[] {
  return gateSettings(gate).map((l) => ({ label: l.label, value: drawnExactly(l.label) ? exactLine(l.value, ascii) : visibleLine(l.value) }));
}

/** Where the gate's step runs, exactly; undefined on this machine. */
export const exactTarget = (gate: Pick<ConfirmationRequested, 'target' | 'connection'>, ascii = false): string | undefined => {
  const t = gateTarget(gate);
  return t === undefined ? undefined : exactLine(t, ascii);
};

/** A for_each's items, exactly. */
export const exactItems = (items: GateItem[], ascii = false): GateItem[] => items.map((i) => ({ ...i, label: exactText(i.label, ascii), detail: exactText(i.detail, ascii) }));

/** A value as a screen shows it beside a command (an input, a variable): exactly when it is text. */
export const exactValue = (v: unknown): string => (typeof v === 'string' ? exactLine(v) : JSON.stringify(v));
