// The operator's terminal. State comes from the run's events (the view store); answers go back through the
// run (confirm, answer, note, abort). One part owns the keys at a time (focus.ts); Ctrl-C is handled here.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useApp, useStdout } from 'ink';
import type { Run } from '../../engine/run.js';
import { focusOf, type Overlay } from '../focus.js';
import { layoutFor } from '../layout.js';
import { currentStep, stepOutput, tableStep } from '../view-model.js';
import type { ViewStore } from '../view-store.js';
import { AbortPrompt } from './AbortPrompt.js';
import { BranchLine } from './BranchLine.js';
import { CurrentStep } from './CurrentStep.js';
import { FinalSummary } from './FinalSummary.js';
import { gateSettings } from '../format.js';
import { GatePanel, type GateAnswer } from './GatePanel.js';
import { Header } from './Header.js';
import { HelpPanel } from './HelpPanel.js';
import { KeysLine } from './KeysLine.js';
import { NoteInput } from './NoteInput.js';
import { Notes } from './Notes.js';
import { OutputPane } from './OutputPane.js';
import { QuestionPanel } from './QuestionPanel.js';
import { SqlTable } from './SqlTable.js';
import { StepList } from './StepList.js';
import { armAfter, useGateArming, type ArmScheduler } from './use-gate-arming.js';
import { useGlobalKeys } from './use-global-keys.js';
import { useNow } from './use-now.js';
import { terminalText } from '../../common/terminal-text.js';

/** A part that keeps its rows when the terminal is short. */
const Fixed = ({ children }: { children: ReactNode }) => <Box flexDirection="column" flexShrink={0}>{children}</Box>;
/** A part that gives up rows first (clipped from the bottom): its weight dwarfs the decision panel's. */
const Shrinks = ({ children }: { children: ReactNode }) => (
  // The inner box keeps its rows: the outer one clips them at its edge instead of laying them over each other.
  <Box flexDirection="column" flexShrink={1000} overflow="hidden"><Box flexDirection="column" flexShrink={0}>{children}</Box></Box>
);
/** The decision panel: shrinks only once everything else is gone, and then inside (its long fields). */
const Decision = ({ children }: { children: ReactNode }) => <Box flexDirection="column" flexShrink={1}>{children}</Box>;

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
}

export const GATE_ARM_MS = 250;
const TICK_MS = 150; // spinner and elapsed times while a step runs; every tick redraws the frame

export function App({ run, store, transcriptPath: rawPath, notice, gateArmMs = GATE_ARM_MS, gateArming }: AppProps) {
  // Run data arrives terminal-safe through the store (view-store.ts); the path given on the command line is made so here.
  const transcriptPath = rawPath && terminalText(rawPath);
  const vm = useSyncExternalStore(store.subscribe, store.get);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const [scroll, setScroll] = useState(0);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const focus = focusOf(vm, overlay);
  const moving = !vm.finished && vm.startedAt !== undefined;
  // The spinner needs a fast tick. A gate or question on screen stops the clock: nothing moves while the run
  // waits for the operator, so nothing is redrawn (idle CPU ~0) and the header says since when it waits, a fact
  // that stays true, instead of an elapsed time that would go stale.
  const waiting = vm.gate !== undefined || vm.questions.length > 0;
  const waitingSince = vm.gate !== undefined ? vm.gateAt : vm.questions.length > 0 ? vm.questionAt : undefined;
  const now = useNow(!moving || waiting ? 0 : TICK_MS);
  const step = currentStep(vm);
  const panel = vm.gate !== undefined || vm.questions.length > 0;
  const gateExtra = vm.gate ? gateSettings(vm.gate).length + vm.gate.command.trim().split('\n').length - 1 : 0;
  const layout = layoutFor(stdout.rows || 24, vm.steps.length, panel, gateExtra);
  const output = stepOutput(vm, vm.currentStepId);
  const maxScroll = Math.max(0, output.length - layout.outputRows);

  // The run ended: unmount after this frame is committed, so the final frame shows the outcome.
  useEffect(() => { if (vm.finished) exit(); }, [vm.finished, exit]);
  useEffect(() => setScroll(0), [vm.currentStepId]);

  const abortRun = useCallback(() => {
    setOverlay('none');
    run.abort(`Aborted by ${run.operator} (Ctrl-C)${vm.currentStepId ? ` during '${vm.currentStepId}'` : ''}.`);
  }, [run, vm.currentStepId]);

  useGlobalKeys({ active: !vm.finished, focus, overlay, setOverlay, abortRun, maxScroll, setScroll });

  const onGate: GateAnswer = (answer, how) => { if (vm.gate) run.confirm(vm.gate.stepId, answer, how); };
  const armGate = useMemo(() => gateArming ?? armAfter(gateArmMs), [gateArming, gateArmMs]);
  const { armed, shown: keysLive } = useGateArming(vm.gate ? `${vm.gate.stepId}@${vm.gateAt ?? 0}` : undefined, armGate);
  const table = tableStep(vm);
  const question = vm.questions[0];

  // While the run is live the frame is never taller than the terminal: a taller one makes ink clear the
  // screen and the scrollback on every redraw. The decision (gate, question) and the header keep their rows;
  // the step list, output and tables give theirs up first (flexShrink, clipped).
  const rows = stdout.rows || 24;
  return (
    <Box flexDirection="column" {...(vm.finished ? {} : { height: Math.max(8, rows - 1), overflow: 'hidden' as const })}>
      <Fixed><Header vm={vm} now={now} waitingSince={waitingSince} transcriptPath={transcriptPath} notice={notice} /></Fixed>
      <Shrinks><StepList vm={vm} now={now} maxRows={layout.stepRows} /></Shrinks>
      {/* At a gate or the end, the panel below says the rest: only the route that led here. */}
      <Shrinks>{vm.finished || vm.gate
        ? (vm.lastBranch ? <Box marginTop={1}><BranchLine branch={vm.lastBranch} /></Box> : null)
        : <CurrentStep vm={vm} step={step} />}</Shrinks>
      <Shrinks><OutputPane lines={output} height={layout.outputRows} scroll={scroll} running={step?.state === 'running' && step.kind !== 'manual' && step.kind !== 'prompt'} /></Shrinks>
      {table?.result ? <Shrinks><SqlTable result={table.result} maxRows={layout.tableRows} width={(stdout.columns || 80) - 2} from={table.id === vm.currentStepId ? undefined : table.title} /></Shrinks> : null}
      <Shrinks><Notes notes={vm.notes} /></Shrinks>
      {vm.gate ? <Decision><GatePanel key={vm.gate.stepId} gate={vm.gate} active={focus === 'gate'} armed={armed} keysLive={keysLive} onAnswer={onGate} /></Decision> : null}
      {question && !vm.gate ? <Decision><QuestionPanel question={question} active={focus === 'manual' || focus === 'prompt'} arming={armGate} onAnswer={(id, v, how) => run.answer(id, v, how)} /></Decision> : null}
      {overlay === 'note' && !vm.finished ? (
        <Fixed><NoteInput active={focus === 'note'} onSubmit={(text) => { run.note(text, vm.currentStepId); setOverlay('none'); }} onCancel={() => setOverlay('none')} /></Fixed>
      ) : null}
      {overlay === 'help' && !vm.finished ? <Fixed><HelpPanel active={focus === 'help'} onClose={() => setOverlay('none')} /></Fixed> : null}
      {overlay === 'abort' && !vm.finished ? <Fixed><AbortPrompt stepId={vm.currentStepId} onYes={abortRun} onNo={() => setOverlay('none')} /></Fixed> : null}
      <FinalSummary vm={vm} transcriptPath={transcriptPath} />
      {vm.finished ? null : <Fixed><KeysLine focus={focus} /></Fixed>}
    </Box>
  );
}
