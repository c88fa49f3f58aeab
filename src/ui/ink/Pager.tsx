// A view in place of the frame's body (src/ui/frame/pages.ts): scrolled with ↑↓ PgUp PgDn Home End, closed with
// Esc (or the key that opened it). The results list picks a step with ↑↓ and shows it with Enter; Esc goes back.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useInput } from 'ink';
import type { Page } from '../focus.js';
import { confirmationPage, evidencePage, finishedSteps, helpPage, instructionsPage, pageMax, pageRows, resultsRows, stepPage, type PageContent, type TableView } from '../frame/pages.js';
import { fit, seg, type Row } from '../frame/row.js';
import type { ViewModel } from '../view-model.js';
import { Rows } from './Rows.js';
import { functionView } from './gate-keys.js';
import { useOwns } from './key-owner.js';
import { useRawInput } from './use-raw-input.js';
import { useAscii } from './theme.js';
import { RESIZE_QUIET_MS, useResizedAt, useTerminalSize } from './use-terminal-size.js';
import { tmuxHidesPart } from '../tmux-viewport.js';

/** How long a window of the confirmation must stay on screen to count as read: well over ink's frame interval
 *  (1000/maxFps: 34 ms at its default 30). Ink writes the first frame of an interval and the last, and drops those
 *  replaced in between: a probe of stop 67 pressed PgDn every 10 to 30 ms, the page with the acting line was
 *  rendered but never written, and y ran it. */
export const DWELL_MS = 150;

const TOGGLE: Partial<Record<Page['kind'], string>> = { help: '?', confirmation: 'c', evidence: 'e', instructions: 'i', results: 'r' };

/** onSeenAll: the whole confirmation has been on screen, to its last line (a gate's y is live from then on). */
export interface PagerProps { vm: ViewModel; page: Page; rows: number; width: number; active: boolean; setPage(p: Page | undefined): void; onSeenAll?(): void }

export function Pager({ vm, page: shown, rows, width, active, setPage: set, onSeenAll }: PagerProps) {
  const [scroll, setScroll] = useState(0);
  // Keys of one chunk (↑ and Enter typed fast) see the page the keys before them chose, before a re-render.
  const latest = useRef(shown);
  latest.current = shown;
  const setPage = (p: Page | undefined) => { if (p) latest.current = p; set(p); };
  // Built once per view, state and width, not per key: a 10,000-row result is laid out (column widths, cells)
  // when the view opens or the run changes; a key only moves the window, and only its rows are drawn.
  const stepId = shown.kind === 'step' ? shown.stepId : '';
  // A result's table: the first column shown (←/→) and whether every cell is shown in full (x).
  const [table, setTable] = useState<TableView>({ col: 0, expanded: false });
  const ascii = useAscii();
  const content = useMemo(() => contentOf(vm, shown, width, table, ascii), [vm, shown.kind, stepId, width, table, ascii]); // eslint-disable-line react-hooks/exhaustive-deps
  const columns = shown.kind === 'step' ? columnCount(vm, shown.stepId) : 0;
  useEffect(() => { setTable({ col: 0, expanded: false }); }, [stepId]);
  const max = content ? pageMax(content, rows) : 0;
  const results = finishedSteps(vm);
  const selected = shown.kind === 'results' ? (shown.selected < 0 ? results.length - 1 : Math.min(shown.selected, results.length - 1)) : -1;
  const owns = useOwns();
  useInput((input, key) => {
    if (!owns('page')) return;
    const page = latest.current;
    const selected = page.kind === 'results' ? (page.selected < 0 ? results.length - 1 : Math.min(page.selected, results.length - 1)) : -1;
    if (key.escape || input === 'q' || input === TOGGLE[page.kind]) {
      setPage(page.kind === 'step' && page.from === 'results' ? { kind: 'results', selected: results.findIndex((s) => s.id === page.stepId) } : undefined);
    } else if (page.kind === 'results') {
      if (key.upArrow) setPage({ kind: 'results', selected: Math.max(0, selected - 1) });
      else if (key.downArrow) setPage({ kind: 'results', selected: Math.min(results.length - 1, selected + 1) });
      else if (key.return && results[selected]) setPage({ kind: 'step', stepId: results[selected]!.id, from: 'results' });
    } else if (page.kind === 'step' && columns > 0 && (key.leftArrow || key.rightArrow)) {
      setTable((t) => ({ ...t, col: Math.max(0, Math.min(columns - 1, t.col + (key.rightArrow ? 1 : -1))) }));
    } else if (page.kind === 'step' && columns > 0 && input === 'x') {
      setTable((t) => ({ ...t, expanded: !t.expanded }));
      setScroll(0);
    } else if (key.upArrow || key.pageUp) setScroll((n) => Math.max(0, Math.min(max, n) - (key.pageUp ? rows - 3 : 1)));
    else if (key.downArrow || key.pageDown) setScroll((n) => Math.min(max, n + (key.pageDown ? rows - 3 : 1)));
    else if (key.home) setScroll(0);
    else if (key.end) setScroll(max);
  }, { isActive: active });
  // The function key that opened a view closes it (F1 keys, F2 confirmation, F3 evidence, F4 results).
  const F_KINDS: Record<string, Page['kind']> = { help: 'help', confirmation: 'confirmation', evidence: 'evidence', results: 'results' };
  useRawInput((read) => {
    const view = functionView(read);
    if (view && owns('page') && F_KINDS[view] === latest.current.kind) setPage(undefined);
  }, { isActive: active });
  // Every line of the confirmation has been drawn, with no gap (End jumps over the middle: those lines count only
  // once scrolled through): the gate's y may be given even where the frame cannot show it all.
  // Reach is a row of this layout of this gate: another width lays the same text out in other rows (a probe of
  // stop 66 read 133 of 242 rows at 40 columns, widened to 80, and the 133 covered the whole 127-row layout,
  // lines never drawn included), and another gate is other text. Either starts the reading again.
  // A window counts once it has stayed on screen for DWELL_MS: ink writes at most one frame per interval and drops
  // the frames replaced within it, so a window rendered is not yet a window drawn.
  const [reach, setReach] = useState({ layout: '', row: -1 });
  const layout = `${width}\0${vm.gate?.stepId ?? ''}\0${vm.gate?.command ?? ''}\0${content?.lines.length ?? 0}`;
  const row = reach.layout === layout ? reach.row : -1;
  const viewing = shown.kind === 'confirmation' && content !== undefined && rows > 2;
  const top = viewing ? Math.min(scroll, max) : -1;
  const bottom = viewing ? Math.min(content!.lines.length, top + rows - 2) - 1 : -1;
  // Nor while a resize may still be on its way to the pty (RESIZE_QUIET_MS): the window is counted from then, and
  // not at all if the terminal was resized again meanwhile (a grow and a shrink back give the same rows).
  const resizedAt = useResizedAt();
  const lastResize = resizedAt();
  const frame = useTerminalSize();
  useEffect(() => {
    if (!viewing) return undefined;
    const wait = Math.max(DWELL_MS, lastResize + RESIZE_QUIET_MS + DWELL_MS - Date.now());
    const timer = setTimeout(() => {
      // A tmux client smaller than the window, or a pane of another size than the pty, shows part of this page
      // only (ui/tmux-viewport.ts).
      if (resizedAt() !== lastResize || tmuxHidesPart(frame)) return;
      setReach((r) => {
        const was = r.layout === layout ? r.row : -1;
        return { layout, row: top <= was + 1 ? Math.max(was, bottom) : was };
      });
    }, wait);
    return () => clearTimeout(timer);
  }, [viewing, layout, top, bottom, lastResize, frame.columns, frame.rows]);
  const seenAll = viewing && row >= content!.lines.length - 1;
  useEffect(() => { if (seenAll) onSeenAll?.(); }, [seenAll, onSeenAll]);
  if (content) return <Rows rows={pageRows(content, scroll, rows, width)} />;
  return shown.kind === 'results' ? <Rows rows={resultsView(vm, selected, rows, width)} /> : null;
}

/** How many columns a step's result has (0: no table to scroll). */
function columnCount(vm: ViewModel, stepId: string): number {
  const r = vm.steps.find((s) => s.id === stepId)?.result;
  return r?.columns?.length || Object.keys(r?.rows?.[0] ?? {}).length;
}

function contentOf(vm: ViewModel, page: Page, width: number, table: TableView, ascii: boolean): PageContent | undefined {
  switch (page.kind) {
    case 'help': return helpPage(width);
    case 'confirmation': return vm.gate ? confirmationPage(vm.gate, width, ascii) : undefined;
    case 'evidence': return evidencePage(vm, width);
    case 'instructions': {
      const q = vm.questions[0]?.question;
      return q?.action.kind === 'manual' ? instructionsPage(q.stepId, q.action.instructions, width) : undefined;
    }
    case 'step': return stepPage(vm, page.stepId, width, page.from === 'results' ? 'Esc: back to the list' : 'Esc: back', table);
    case 'results': return undefined;
  }
}

/** The results list in `rows` rows: a window that keeps the selected step in view. */
function resultsView(vm: ViewModel, selected: number, rows: number, width: number): Row[] {
  const list = resultsRows(vm, selected, width);
  const body = Math.max(0, rows - 2);
  const top = Math.min(Math.max(0, selected - body + 1), Math.max(0, list.length - body));
  return [
    fit([seg('results of finished steps', { tone: 'accent', bold: true })], width),
    ...list.slice(top, top + body),
    fit([seg('↑↓ choose · Enter show · Esc close', { tone: 'dim' })], width),
  ].slice(0, rows);
}
