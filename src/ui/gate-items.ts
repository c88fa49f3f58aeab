// A for_each gate's item list as text lines, one per item: what the approval covers. Shared by plain mode,
// the dry-run plan and the terminal UI's gate panel (ink/GateItems.tsx), so every screen lists the same items.
import type { GateItem } from '../engine/events.js';
import { cleanLine, plural, truncate } from './format.js';

/** `N items` heading plus one numbered line per item: its label, then what the step is given for it. */
/** max: the columns of a label and of a detail (the gate wraps them whole: Infinity). */
export function gateItemLines(items: GateItem[], itemsDone = 0, max = 200): string[] {
  const width = String(items.length).length;
  const head = `${plural(items.length, 'item')}${itemsDone ? ` (${itemsDone} already done before the run was interrupted; not run again)` : ''}:`;
  return [head, ...items.map((item, i) => `${String(i + 1).padStart(width)}. ${itemLine(item, max)}`)];
}

export function itemLine(item: GateItem, max = 200): string {
  return `${cleanLine(item.label, max)}  ${truncate(cleanLine(item.detail, max), max)}`;
}
