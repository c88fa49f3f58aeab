// A for_each gate's item list as text lines, one per item: what the approval covers. Shared by plain mode,
// the dry-run plan and the terminal UI's gate panel (ink/GateItems.tsx), so every screen lists the same items.
import type { GateItem } from '../engine/events.js';
import { cleanLine, plural, truncate } from './format.js';

/** `N items` heading plus one numbered line per item: its label, then what the step is given for it. */
export function gateItemLines(items: GateItem[], itemsDone = 0): string[] {
  const width = String(items.length).length;
  const head = `${plural(items.length, 'item')}${itemsDone ? ` (${itemsDone} already done before the run was interrupted; not run again)` : ''}:`;
  return [head, ...items.map((item, i) => `${String(i + 1).padStart(width)}. ${itemLine(item)}`)];
}

export function itemLine(item: GateItem): string {
  return `${cleanLine(item.label, 200)}  ${truncate(cleanLine(item.detail, 200), 200)}`;
}
