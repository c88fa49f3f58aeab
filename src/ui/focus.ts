// Which part of the terminal UI gets the keys. One owner at a time, so a key meant for one thing (a note
// being typed) can never answer another (a gate that just appeared).
import type { ViewModel } from './view-model.js';

/** Small panels over the frame: a note being typed, the Ctrl-C question. */
export type Overlay = 'none' | 'note' | 'abort';
/** Views that take the place of the frame's body until closed (keys, the whole confirmation, evidence, results). */
export type Page =
  | { kind: 'help' } | { kind: 'confirmation' } | { kind: 'evidence' } | { kind: 'instructions' }
  | { kind: 'results'; selected: number } | { kind: 'step'; stepId: string; from: 'results' | 'main' };
export type Focus = 'finished' | 'abort' | 'note' | 'page' | 'gate' | 'manual' | 'prompt' | 'idle';

export function focusOf(vm: ViewModel, overlay: Overlay, page?: Page): Focus {
  if (vm.finished) return 'finished';
  if (overlay !== 'none') return overlay;
  if (page) return 'page';
  if (vm.gate) return 'gate';
  const q = vm.questions[0];
  if (q) return q.question.action.kind === 'manual' ? 'manual' : 'prompt';
  return 'idle';
}

/** The keys, for the help panel and the footer (and docs/terminal-ui.md). */
export const KEYS: [string, string][] = [
  ['y / s / a', 'at a confirmation: run the step / skip it / abort the run'],
  ['step id + Enter', 'high-risk confirmation: run it (or skip/abort + Enter); every letter is typed'],
  ['F1-F5, Esc+letter', 'keys, whole confirmation, evidence, results, note (also at a high-risk gate)'],
  ['Backspace, ^W, ^U', 'in a text field: erase a character, a word, the line'],
  ['d or Enter', 'at a manual step: done (or 1-9 / ↑↓ + Enter to pick a choice)'],
  ['c', 'at a confirmation: the whole confirmation, when it does not fit'],
  ['e', 'at a confirmation: the evidence (earlier results and output, newest first)'],
  ['i', 'at a manual step: all of its instructions, when they do not fit'],
  ['r', 'the results of finished steps: pick one to see its output and table'],
  ['← / →', 'in a result: its columns, one at a time (the title says which of how many)'],
  ['x', 'in a result: every cell in full, row by row (again: back to the table)'],
  ['n', 'add a note to the transcript (type, Enter; Esc cancels); at a gate too'],
  ['w', 'show or hide what steps given a secret printed: on this screen only, never recorded'],
  ['PgUp / PgDn / ↑ / ↓', 'scroll the output, or the open view; End follows the output again'],
  ['?', 'show or hide these keys (at a gate too: it does not answer it)'],
  ['Esc', 'close the open view'],
  ['Ctrl-C', 'abort: asks first; a second Ctrl-C aborts at once'],
];
