// Shares the terminal's rows between the parts of the frame. Each part says how many rows it needs at least
// (min), would like on a small terminal (soft) and could use (want); an order of (part, level) says who is
// served first. Everything the operator must see to decide (the header line, the open question, the current
// step's row) comes first in that order, so it gets its rows before anything that can be scrolled to or
// opened with a key. A part that cannot get its min gets what is left (it then shows less, and says so).

import type { Row } from './row.js';

export interface Need { min: number; soft: number; want: number }
/** A part of the frame: what it needs, and its rows for the number it was given (at most that many). */
export interface Part { need: Need; rows(n: number): Row[] }
/** A gate or question panel: also whether its keys are drawn with n rows (a key is taken only then). */
export interface PanelPart extends Part { keysShown(n: number): boolean }
export type Level = keyof Need;

export function allocate(rows: number, needs: Record<string, Need>, order: [string, Level][]): Record<string, number> {
  const got: Record<string, number> = Object.fromEntries(Object.keys(needs).map((k) => [k, 0]));
  let left = Math.max(0, rows);
  for (const [key, level] of order) {
    const need = needs[key];
    if (!need) continue;
    const target = Math.max(need.min, level === 'want' ? Math.max(need.soft, need.want) : level === 'soft' ? need.soft : need.min);
    const give = Math.min(left, Math.max(0, target - got[key]!));
    got[key]! += give;
    left -= give;
  }
  return got;
}

export const need = (min: number, soft = min, want = soft): Need => ({ min, soft: Math.max(min, soft), want: Math.max(min, soft, want) });
