// The confirmation before a destructive step (rows from src/ui/frame/gate.ts). y / s / a answer it; no other key
// does. High risk: the operator types the step id and Enter, and every key typed goes to the field (`r`, `e`,
// `c`, `n`, `?` too: ids contain them); views open with F1–F5 or Esc and a letter (gate-keys.ts), and what was
// typed is kept while a view is open (`store`). Keys count only once the gate is armed (type-ahead:
// use-armed.ts) and only while its keys line is drawn: on a terminal too short for it, nothing answers the gate.
import { useEffect, useRef, useState } from 'react';
import { useInput, useStdout } from 'ink';
import type { ConfirmAnswer, ConfirmationRequested } from '../../engine/events.js';
import { gatePart, typedGate } from '../frame/gate.js';
import type { GateWait } from '../team-feed.js';
import { armAfter, type ArmScheduler } from './use-gate-arming.js';
import { useOwns } from './key-owner.js';
import { useArmed } from './use-armed.js';
import { useLineInput, type LineStore } from './use-line-input.js';
import { useRawInput } from './use-raw-input.js';
import { functionView, LETTER_VIEWS, metaView, type View } from './gate-keys.js';
import { Rows } from './Rows.js';
import { useAscii } from './theme.js';
import { RESIZE_QUIET_MS, useResizedAt, useTerminalSize } from './use-terminal-size.js';
import { tmuxHidesPart } from '../tmux-viewport.js';

export type GateAnswer = (answer: ConfirmAnswer, how: 'key' | 'typed') => void;

/** rows: what the frame gave the panel (src/ui/frame/budget.ts). active: the gate owns the keys. store: where a
 *  high-risk gate's typed text lives (it outlives the panel while a view is open). frameRows: what the rest of
 *  the frame needs (for "too short": gate.ts). */
export interface GatePanelProps {
  gate: ConfirmationRequested; rows: number; width: number; active: boolean; arming: ArmScheduler; onAnswer: GateAnswer;
  store?: LineStore; onView?(view: View): void; frameRows?: number;
  /** A four-eyes gate: the store's side of its wait (team-feed.ts). */
  wait?: GateWait | undefined;
}

const KEY_ANSWERS: Record<string, ConfirmAnswer> = { y: 'yes', s: 'skip', a: 'abort' };
/** How long a yes waits for a resize already on its way (tmux applies a pane's new size within milliseconds). */
const YES_SETTLE_MS = 150;

export function GatePanel({ gate, rows, width, active, arming, onAnswer, store, onView, frameRows, wait }: GatePanelProps) {
  const high = typedGate(gate);
  const ascii = useAscii();
  // Four eyes: y is not the operator's to give (the engine would refuse it); it says so instead of doing nothing.
  const [refused, setRefused] = useState(false);
  // A high-risk gate the operator has already typed at, back from a view: armed at once (it was read, and keys
  // typed on the way back belong in its field); any other gate, or one never armed, waits out the window again.
  const [schedule] = useState(() => (high && store?.wasArmed?.() ? armAfter(0) : arming));
  const { shown: armedShown, armed } = useArmed(schedule);
  useEffect(() => { if (armedShown) store?.markArmed?.(); }, [armedShown, store]);
  const [error, setError] = useState('');
  const [escaped, setEscapedState] = useState(false);
  const escRef = useRef(false);
  const setEscaped = (v: boolean) => { escRef.current = v; setEscapedState(v); };
  // Whether the keys line is on screen: the frame drawn last had it (read by the key handlers).
  const drawn = useRef(false);
  // Whether yes can be given: the frame drawn last showed all of the confirmation, or it was all seen in the c view.
  const yesLive = useRef(false);
  const owns = useOwns();
  // The terminal's size when this frame was made: a key read after a resize the frame has not caught up with
  // answers nothing (the size Node last heard of: getWindowSize is its cache, not a fresh TIOCGWINSZ). And a
  // yes waits YES_SETTLE_MS for a resize on its way: tmux resized the window and sent y in one command, the y
  // reached the step before the pane's new size did, and y ran with 17 of 30 command lines off screen.
  const { stdout } = useStdout();
  const size = useTerminalSize();
  const drawnSize = useRef('');
  drawnSize.current = `${size.columns}x${size.rows}`;
  const sameSize = () => {
    const live = (stdout as { getWindowSize?: () => [number, number] }).getWindowSize?.();
    return !live || `${live[0]}x${live[1]}` === drawnSize.current;
  };
  const sizeOf = (drawn: string) => { const [columns, rows] = drawn.split('x').map(Number); return { columns: columns!, rows: rows! }; };
  const resizedAt = useResizedAt();
  const takes = () => armed() && drawn.current && owns('gate') && sameSize();
  // A yes within RESIZE_QUIET_MS of a resize answers nothing: the screen may not be the size the frame was made for.
  const settled = () => Date.now() - resizedAt() >= RESIZE_QUIET_MS;
  const pendingYes = useRef(false);
  const mounted = useRef(true);
  useEffect(() => () => { mounted.current = false; }, []);
  const settledYes = (how: 'key' | 'typed') => {
    if (pendingYes.current || !settled()) return;
    pendingYes.current = true;
    const at = drawnSize.current;
    setTimeout(() => {
      pendingYes.current = false;
      if (mounted.current && drawnSize.current === at && takes() && yesLive.current && settled() && !tmuxHidesPart(sizeOf(at))) onAnswer('yes', how);
    }, YES_SETTLE_MS);
  };
  const unseenError = () => `see all of it first (F2): ${part.unseen(rows)} rows unseen`;
  const field = useLineInput({
    // Keys typed before the panel was seen go nowhere: not into the field, where a later Enter would send them.
    isActive: active && high, manual: true, accepts: takes, ...(store ? { store } : {}),
    onSubmit(value) {
      const text = value.trim();
      if (!takes()) { field.clear(); return; }
      if (text === gate.stepId && !yesLive.current) { setError(unseenError()); field.clear(); } else if (text === gate.stepId) settledYes('typed');
      else if (text === 'skip') onAnswer('skip', 'typed');
      else if (text === 'abort') onAnswer('abort', 'typed');
      else { setError(`type ${gate.stepId} exactly to run it`); field.clear(); }
    },
  });
  // High risk: a view key (F1–F5, Esc then a letter, or Esc+letter in one read) opens a view; every other read
  // goes to the field, key by key. Esc twice clears the field.
  useRawInput((read) => {
    if (!owns('gate')) return; // Ctrl-C or a view took the keys: the question or the view reads this
    const view = functionView(read) ?? metaView(read);
    if (view) { setEscaped(false); onView?.(view); return; }
    if (read === '\u001b') {
      if (escRef.current) { setEscaped(false); field.clear(); setError(''); } else setEscaped(true);
      return;
    }
    if (escRef.current) {
      setEscaped(false);
      const after = LETTER_VIEWS[read[0] ?? ''];
      if (after && after !== 'instructions') { onView?.(after); read = read.slice(1); }
    }
    field.feed(read);
  }, { isActive: active && high });
  useInput((input) => {
    const answer = KEY_ANSWERS[input];
    if (!answer || !takes()) return;
    if (answer === 'yes' && gate.approval) setRefused(true);
    else if (answer === 'yes' && !yesLive.current) return; // the keys row says what is unseen and how to see it
    else if (answer === 'yes') settledYes('key');
    else onAnswer(answer, 'key');
  }, { isActive: active && !high });
  const part = gatePart({ gate, width, keys: armedShown ? 'live' : 'arming', active, typed: { value: field.value, error, escaped }, ...(frameRows !== undefined ? { frameRows } : {}), wait, refused, seen: store?.wasSeen?.() ?? false, ascii });
  drawn.current = armedShown && part.keysShown(rows);
  yesLive.current = part.yesLive(rows);
  return <Rows rows={part.rows(rows)} />;
}
