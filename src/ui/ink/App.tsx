// The operator's terminal. State comes from the run's events (the view store); answers go back through the
// run (confirm, answer, note, abort). One part owns the keys at a time (focus.ts); Ctrl-C is handled here.
// The frame is built as rows (src/ui/frame): each part gets rows from the terminal's height by priority
// (budget.ts), so the frame is never taller than the terminal minus one row, whatever it shows, and the
// decision (gate, question) always gets its rows first.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useApp } from 'ink';
import type { Run } from '../../engine/run.js';
import { focusOf, type Overlay, type Page } from '../focus.js';
import { KeyOwnerContext, useKeyOwner } from './key-owner.js';
import { currentStep, stepOutput, tableStep, type ViewModel } from '../view-model.js';
import type { ViewStore } from '../view-store.js';
import { allocate, need, type Level, type Need, type Part } from '../frame/budget.js';
import { currentPart } from '../frame/current.js';
import { evidencePart } from '../frame/evidence.js';
import { finalRecordRows } from '../frame/final-record.js';
import { gatePart, typedGate } from '../frame/gate.js';
import type { TeamFeed, TeamView } from '../team-feed.js';
import { headerRows } from '../frame/header.js';
import { keysRow } from '../frame/keys.js';
import { notesPart } from '../frame/notes.js';
import { maxBack, outputPart } from '../frame/output.js';
import { finishedSteps, hasEvidence } from '../frame/pages.js';
import { manualPart, promptPart } from '../frame/question.js';
import type { Row } from '../frame/row.js';
import { stepListRows } from '../frame/steps.js';
import { tablePart } from '../frame/table.js';
import { ABORT_ROWS, AbortPrompt } from './AbortPrompt.js';
import { GatePanel, type GateAnswer } from './GatePanel.js';
import { NOTE_ROWS, NoteInput } from './NoteInput.js';
import { Pager } from './Pager.js';
import { QuestionPanel } from './QuestionPanel.js';
import { Rows } from './Rows.js';
import { useAscii } from './theme.js';
import { armAfter, type ArmScheduler } from './use-gate-arming.js';
import { openView, useGlobalKeys } from './use-global-keys.js';
import type { LineStore } from './use-line-input.js';
import { useNow } from './use-now.js';
import { useTerminalSize } from './use-terminal-size.js';
import { terminalText } from '../../common/terminal-text.js';

export type RunControls = Pick<Run, 'confirm' | 'answer' | 'note' | 'abort' | 'operator'>;

export interface AppProps {
  run: RunControls;
  store: ViewStore;
  transcriptPath?: string | undefined;
  notice?: string | undefined;
  /** Keys are ignored this long after a gate or a question appears, so type-ahead cannot answer it (a gate:
   *  use-gate-arming.ts). */
  gateArmMs?: number;
  /** Instead of gateArmMs: when a gate or a question is armed (tests arm it by hand, with no clock). */
  gateArming?: ArmScheduler;
  /** Draw the final record as the last frame (default). The CLI prints it after the live view closes instead
   *  (mount.tsx), so the last frame is empty. */
  finalFrame?: boolean;
  /** The team store's state and notices (team-feed.ts): a four-eyes wait in the gate's panel, notices in the header. */
  team?: TeamFeed;
}

const NO_TEAM: TeamView = {};
const noTeam = () => NO_TEAM;
const noSubscribe = () => () => undefined;

export const GATE_ARM_MS = 250;
/** The clock: elapsed times and the spinner move once a second, and only while a step runs (not at a gate). */
const TICK_MS = 1000;

export function App({ run, store, transcriptPath: rawPath, notice: flagNotice, gateArmMs = GATE_ARM_MS, gateArming, finalFrame = true, team }: AppProps) {
  // Run data arrives terminal-safe through the store (view-store.ts); the path given on the command line is made so here.
  const transcriptPath = rawPath && terminalText(rawPath);
  const vm = useSyncExternalStore(store.subscribe, store.get);
  const ascii = useAscii();
  const teamView = useSyncExternalStore(team?.subscribe ?? noSubscribe, team?.get ?? noTeam);
  const waitingLines = teamView.pending ? `${teamView.pending} transcript lines not yet in the store (kept locally; sent when it is back)` : undefined;
  const notice = flagNotice ?? ([teamView.notice, waitingLines].filter(Boolean).join('\n') || undefined);
  const wait = vm.gate && teamView.wait?.stepId === vm.gate.stepId ? teamView.wait : undefined;
  // A high-risk gate is answered by typing its id: the keys, the panel's hints and the global keys all follow it.
  const highGate = vm.gate !== undefined && typedGate(vm.gate);
  const size = useTerminalSize();
  const width = Math.max(1, size.columns);
  // One row short of the terminal: a frame as tall as the terminal makes ink clear the screen and scrollback.
  const height = Math.max(1, size.rows - 1);
  const { overlay, setOverlay, page, setPage, owns } = useKeyOwner(store.get);
  const [scroll, setScroll] = useState(0);
  const { exit } = useApp();
  const focus = focusOf(vm, overlay, page);
  // A gate or question on screen stops the clock: nothing moves while the run waits for the operator, so
  // nothing is redrawn (idle CPU ~0) and the header says since when it waits.
  const waiting = vm.gate !== undefined || vm.questions.length > 0;
  const waitingSince = vm.gate !== undefined ? vm.gateAt : vm.questions.length > 0 ? vm.questionAt : undefined;
  const now = useNow(!vm.finished && vm.startedAt !== undefined && !waiting ? TICK_MS : 0);
  const arming = useMemo(() => gateArming ?? armAfter(gateArmMs), [gateArming, gateArmMs]);

  // The run ended: unmount after this frame is committed.
  useEffect(() => { if (vm.finished) exit(); }, [vm.finished, exit]);
  useEffect(() => setScroll(0), [vm.currentStepId]);
  // A view of the gate or the question closes with it.
  const question = vm.questions[0];
  useEffect(() => {
    if ((page?.kind === 'confirmation' || page?.kind === 'evidence') && !vm.gate) setPage(undefined);
    if (page?.kind === 'instructions' && question?.question.action.kind !== 'manual') setPage(undefined);
  }, [page, vm.gate, question]);

  // A high-risk gate's typed id lives here, not in its panel: a view opened over the gate unmounts the panel,
  // and what was typed must be there when it comes back.
  const typed = useRef({ gate: '', value: '', armed: false, seen: false });
  const gateKey = vm.gate ? `${vm.gate.stepId}@${vm.gateAt ?? 0}` : '';
  const typedStore: LineStore & { markSeen(): void } = useMemo(() => {
    const mine = () => (typed.current.gate === gateKey ? typed.current : { gate: gateKey, value: '', armed: false, seen: false });
    return {
      get: () => mine().value,
      set: (value: string) => { typed.current = { ...mine(), value }; },
      wasArmed: () => mine().armed,
      markArmed: () => { typed.current = { ...mine(), armed: true }; },
      wasSeen: () => mine().seen,
      markSeen: () => { typed.current = { ...mine(), seen: true }; },
    };
  }, [gateKey]);

  const abortRun = useCallback(() => {
    setOverlay('none');
    run.abort(`Aborted by ${run.operator} (Ctrl-C)${vm.currentStepId ? ` during '${vm.currentStepId}'` : ''}.`);
  }, [run, vm.currentStepId]);

  const frame = vm.finished ? undefined : planFrame({ vm, now, width, height, focus, overlay, page, scroll, waitingSince, transcriptPath, notice, wait, highGate, ascii });
  useGlobalKeys({ active: !vm.finished, owns, highGate, setOverlay, openPage: setPage, abortRun, maxScroll: frame?.maxScroll ?? 0, setScroll, toggleWithheld: store.toggleWithheld });

  if (vm.finished || !frame) {
    return finalFrame ? <Box flexDirection="column"><Rows rows={finalRecordRows(vm, width, transcriptPath)} /></Box> : null;
  }
  const onGate: GateAnswer = (answer, how) => { if (vm.gate) run.confirm(vm.gate.stepId, answer, how); };
  const got = frame.got;
  const parts: Record<string, ReactNode> = {
    panel: vm.gate
      ? <GatePanel key={gateKey} gate={vm.gate} rows={got.panel ?? 0} width={width} active={focus === 'gate'} arming={arming} onAnswer={onGate}
        store={typedStore} onView={(v) => openView(v, 'gate', { setOverlay, openPage: setPage })} frameRows={frame.frameRows} wait={wait} />
      : question ? <QuestionPanel question={question} rows={got.panel ?? 0} width={width} active={focus === 'manual' || focus === 'prompt'} arming={arming} onAnswer={(id, v, how) => run.answer(id, v, how)} /> : null,
    page: page ? <Pager vm={vm} page={page} rows={got.page ?? 0} width={width} active={focus === 'page'} setPage={setPage} onSeenAll={typedStore.markSeen} /> : null,
    overlay: overlay === 'note'
      ? <NoteInput active={focus === 'note'} onSubmit={(text) => { run.note(text, vm.currentStepId); setOverlay('none'); }} onCancel={() => setOverlay('none')} />
      : overlay === 'abort' ? <AbortPrompt stepId={vm.currentStepId} width={width} /> : null,
  };
  return (
    <KeyOwnerContext.Provider value={owns}>
    <Box flexDirection="column" height={height}>
      {frame.order.map((key) => {
        const n = got[key] ?? 0;
        if (key.startsWith('gap:')) return n > 0 && (got[key.slice(4)] ?? 0) > 0 ? <Rows key={key} rows={[[]]} /> : null;
        if (n <= 0) return null;
        return <Box key={key} flexDirection="column" flexShrink={0}>{parts[key] ?? <Rows rows={frame.rows[key]!(n)} />}</Box>;
      })}
    </Box>
    </KeyOwnerContext.Provider>
  );
}

interface FrameInput {
  vm: ViewModel; now: number; width: number; height: number; focus: ReturnType<typeof focusOf>; overlay: Overlay; page: Page | undefined;
  scroll: number; waitingSince: number | undefined; transcriptPath: string | undefined; notice: string | undefined;
  wait: TeamView['wait']; highGate: boolean; ascii: boolean;
}

/** The frame's parts top to bottom, the rows each got, and how far the output can scroll. */
function planFrame(f: FrameInput): { order: string[]; got: Record<string, number>; rows: Record<string, (n: number) => Row[]>; frameRows: number; maxScroll: number } {
  const { vm, width } = f;
  const header = headerRows({ vm, now: f.now, width, waitingSince: f.waitingSince, transcriptPath: f.transcriptPath, notice: f.notice });
  const parts: Record<string, Part> = { header: { need: need(1, header.length, header.length), rows: (n) => header.slice(0, n) } };
  const sized: Record<string, Need> = {};
  const question = vm.questions[0];
  const step = currentStep(vm);
  const output = stepOutput(vm, vm.currentStepId);
  const deciding = vm.gate !== undefined || question !== undefined;
  if (f.page) {
    sized.page = need(3, f.height, f.height);
  } else {
    const total = vm.steps.length;
    parts.steps = { need: need(Math.min(1, total), Math.min(total, 5), total), rows: (n) => stepListRows(vm, f.now, width, n) };
    // At a gate or a question, the panel says what the step is: here only the route that led to it.
    parts.current = currentPart(step, vm.lastBranch, width, deciding ? 'route' : 'full');
    const running = step?.state === 'running' && step.kind !== 'manual' && step.kind !== 'prompt';
    parts.output = outputPart(output, f.scroll, width, running);
    // At a gate: the results it acts on (gate-evidence.ts); elsewhere, and at a gate that names none, the latest table.
    const evidence = vm.gate?.evidence?.length ? evidencePart(vm, vm.gate.evidence, width, f.highGate ? 'F3' : 'e') : undefined;
    const table = tableStep(vm);
    if (evidence) parts.table = evidence;
    else if (table?.result) parts.table = tablePart(table.result, width, table.id === vm.currentStepId ? undefined : table.title, vm.gate ? (f.highGate ? 'F3' : 'e') : 'r');
    parts.notes = notesPart(vm.notes, width);
    if (vm.gate) sized.panel = gatePart({ gate: vm.gate, width, keys: 'live', active: true, wait: f.wait, ascii: f.ascii }).need;
    else if (question) {
      const a = question.question.action;
      sized.panel = (a.kind === 'manual' ? manualPart(question.question.stepId, a, width, 'live', 0) : promptPart(question.question.stepId, a, width, 'live', '', '')).need;
    }
  }
  if (f.overlay !== 'none') sized.overlay = need(f.overlay === 'note' ? NOTE_ROWS : ABORT_ROWS);
  const keys = f.page ? [] : keysRow(f.focus, width, vm.gate !== undefined && finishedSteps(vm).some((s) => hasEvidence(vm, s)), f.highGate,
    Object.keys(vm.withheld).length ? (vm.showWithheld ? 'hide' : 'show') : undefined);
  parts.keys = { need: need(keys.length), rows: (n) => keys.slice(0, n) };

  const order = ['header', 'page', 'gap:steps', 'steps', 'gap:current', 'current', 'gap:output', 'output', 'gap:table', 'table', 'gap:notes', 'notes', 'gap:panel', 'panel', 'gap:overlay', 'overlay', 'keys'];
  const needs: Record<string, Need> = { ...sized, ...Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.need])) };
  for (const key of order) if (key.startsWith('gap:') && (needs[key.slice(4)]?.want ?? 0) > 0) needs[key] = need(0, 1, 1);
  const order_ = priorities(deciding);
  const got = allocate(f.height, needs, order_);
  // For "too short": the terminal rows at which the panel gets what its keys need — the rows of the parts served
  // before it, plus the one the frame leaves free.
  const before = order_.slice(0, order_.findIndex(([k, l]) => k === 'panel' && l === 'min'));
  const frameRows = 1 + before.reduce((a, [k, l]) => a + (l === 'min' ? needs[k]?.min ?? 0 : 0), 0);
  const rows = Object.fromEntries(Object.entries(parts).map(([k, p]) => [k, p.rows]));
  // Scrolling back is bounded by the lines the output pane shows (its rows less the label).
  return { order: order.filter((k) => k in needs), got, rows, frameRows, maxScroll: maxBack(output, Math.max(0, (got.output ?? 0) - 1)) };
}

/** Who gets rows first. Deciding (a gate or question open): the panel, then the evidence; else the running step. */
function priorities(deciding: boolean): [string, Level][] {
  const first: [string, Level][] = [['header', 'min'], ['page', 'min'], ['panel', 'min'], ['overlay', 'min'], ['steps', 'min'], ['keys', 'min'], ['table', 'min'], ['header', 'want'], ['page', 'want']];
  const gaps: [string, Level][] = ['panel', 'steps', 'current', 'output', 'table', 'notes', 'overlay'].map((k) => [`gap:${k}`, 'want']);
  const rest: [string, Level][] = deciding
    ? [['panel', 'soft'], ['table', 'soft'], ['current', 'soft'], ['steps', 'soft'], ...gaps, ['notes', 'want'], ['panel', 'want'], ['steps', 'want'], ['table', 'want'], ['output', 'want'], ['current', 'want']]
    : [['current', 'soft'], ['output', 'soft'], ['table', 'soft'], ['steps', 'soft'], ...gaps, ['notes', 'want'], ['steps', 'want'], ['current', 'want'], ['table', 'want'], ['output', 'want']];
  return [...first, ...rest];
}
