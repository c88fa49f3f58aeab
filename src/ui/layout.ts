// How much of a terminal each part of the UI gets. ink redraws the whole frame on every update, and a frame
// taller than the terminal makes it clear the screen each time: so the frame is kept to the terminal.
export interface Layout { stepRows: number; outputRows: number; tableRows: number }

/** `panel`: a confirmation or a question is open; it gets the room, the output pane shrinks. `panelExtra`:
 *  rows the panel needs beyond a one-line command (a gate's env, directory, limits, a longer command). */
export function layoutFor(rows: number, stepCount: number, panel: boolean, panelExtra = 0): Layout {
  const stepRows = Math.max(3, Math.min(stepCount, Math.floor(rows / 3)));
  const fixed = 10; // header, current step, keys line, margins
  const free = rows - fixed - stepRows - (panel ? 12 + panelExtra : 0);
  const outputRows = Math.max(3, Math.min(panel ? 4 : 12, free));
  return { stepRows, outputRows, tableRows: panel ? 3 : Math.max(3, Math.min(8, free - outputRows)) };
}

/** Rows [start, end) to show so that `current` is visible, leaving room for the "…" lines. */
export function windowAround(total: number, current: number, maxRows: number): { start: number; end: number } {
  if (total <= maxRows) return { start: 0, end: total };
  const room = Math.max(1, maxRows - 2);
  const start = Math.min(Math.max(0, current - Math.floor(room / 2)), total - room);
  return { start, end: start + room };
}
