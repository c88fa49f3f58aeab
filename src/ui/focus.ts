// Which part of the terminal UI gets the keys. One owner at a time, so a key meant for one thing (a note
// being typed) can never answer another (a gate that just appeared).
import type { ViewModel } from './view-model.js';

export type Overlay = 'none' | 'note' | 'help' | 'abort';
export type Focus = 'finished' | 'abort' | 'note' | 'help' | 'gate' | 'manual' | 'prompt' | 'idle';

export function focusOf(vm: ViewModel, overlay: Overlay): Focus {
  if (vm.finished) return 'finished';
  if (overlay !== 'none') return overlay;
  if (vm.gate) return 'gate';
  const q = vm.questions[0];
  if (q) return q.question.action.kind === 'manual' ? 'manual' : 'prompt';
  return 'idle';
}

/** The keys, for the help panel and the footer (and docs/terminal-ui.md). */
export const KEYS: [string, string][] = [
  ['y / s / a', 'at a confirmation: run the step / skip it / abort the run'],
  ['step id + Enter', 'at a high-risk confirmation: run it (type skip or abort + Enter for those)'],
  ['d or Enter', 'at a manual step: done (or 1-9 / ↑↓ + Enter to pick a choice)'],
  ['n', 'add a note to the transcript (type, Enter; Esc cancels)'],
  ['PgUp / PgDn / ↑ / ↓', 'scroll the output; End follows it again'],
  ['?', 'show or hide these keys'],
  ['Ctrl-C', 'abort: asks first; a second Ctrl-C aborts at once'],
];
