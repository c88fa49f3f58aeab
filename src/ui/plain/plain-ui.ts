// Plain mode: for logs, pipes and CI. Nobody is there to press y, so a destructive step runs only when it
// was approved on the command line, and says so; otherwise the run stops before it, saying how to approve.
import { fitRow } from '../fit-row.js';
import type { ConfirmationRequested, QuestionAsked, RunEvent } from '../../engine/events.js';
import type { Run } from '../../engine/run.js';
import type { UIHandle, UIOptions } from '../index.js';
import { checkAnswer } from '../answers.js';
import { commandLine } from '../format.js';
import { gateLines, PlainFormatter } from './plain-format.js';
import { asciiText } from '../ascii-text.js';
import { createLineReader, type LineReader } from './line-reader.js';
import { echoOff } from './no-echo.js';
import { paint, type Paint } from './paint.js';
import { TERMINAL_GONE, terminalGone } from '../terminal.js';
import { terminalSafe, terminalText } from '../../common/terminal-text.js';
import { resumedReason } from '../resumed-reason.js';

type PlainOptions = UIOptions & { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; color: boolean };

export const STDIN_CLOSED = 'no operator input: stdin closed';

/** Which flag approves this step, if any: the specific --approve wins over --yes in the message. */
export function approvalFlag(stepId: string, opts: Pick<UIOptions, 'approve' | 'yes'>): string | undefined {
  if (opts.approve.includes(stepId)) return `--approve ${stepId}`;
  return opts.yes ? '--yes' : undefined;
}

export function refusalLines(raw: ConfirmationRequested, p: Paint): string[] {
  const e = terminalSafe(raw);
  return [
    // A resumed gate asks again because the step may have partly run before the interruption, or ran before it.
    p.red(`${'STOPPED'.padEnd(9)}'${e.stepId}' ${resumedReason(e)?.stopped ?? 'is destructive and'} was not approved, so it did not run${resumedReason(e) ? ' again' : ''}.`),
    `  it would run: ${commandLine(raw.command)}${e.target ? ` on ${e.target}` : ''}`,
    `  to run it: add --approve ${e.stepId} (or --yes to approve every destructive step), or run in a terminal to confirm it`,
  ];
}

export function attachPlain(run: Run, opts: PlainOptions): UIHandle {
  const p = paint(opts.color);
  const formatter = new PlainFormatter(p, opts.ascii);
  const stamp = () => (opts.timestamps ? `${new Date().toISOString().slice(11, 19)} ` : '');
  // A locale that is not UTF-8 (LANG=C): the lines in ASCII, as the terminal UI's (ascii-text.ts).
  const chars = opts.ascii ? asciiText : (l: string) => l;
  // At a terminal, each line cut at its width by the engine (fit-row.ts): the terminal's wrap let a padded message
  // start a row of its own at the left, as the engine's lines do. The width is read at each write (a resize).
  const fit = (l: string): string[] => (opts.stdout.isTTY && opts.stdout.columns ? fitRow(l, opts.stdout.columns, stamp().length + 9) : [l]);
  const write = (lines: string[]) => { if (lines.length) opts.stdout.write(lines.flatMap((l) => fit(chars(stamp() + l))).join('\n') + '\n'); };
  let reader: LineReader | undefined;
  let asking = Promise.resolve();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });

  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    off();
    reader?.close();
    // Resolve once everything written so far has been handed to the OS.
    opts.stdout.write('', () => resolveDone());
  };

  const onGate = (e: ConfirmationRequested) => {
    if (opts.dryRun) return; // the engine confirms dry-run gates itself (nothing destructive runs)
    // Four eyes: a teammate's decision through the team store answers it (cli/four-eyes-gate.ts), never a flag.
    if (e.approval) return;
    const flag = approvalFlag(e.stepId, opts);
    if (flag) {
      write([p.yellow(`${'approved'.padEnd(9)}${e.stepId} by ${flag}`)]);
      // After this event has reached every listener (the transcript records the request first).
      queueMicrotask(() => run.confirm(e.stepId, 'yes', 'flag'));
      return;
    }
    write(refusalLines(e, p));
    const why = resumedReason(e)?.short ?? 'is destructive';
    const message = `Step '${e.stepId}' ${why} and was not approved: rerun with --approve ${e.stepId} (or --yes), or in a terminal to confirm it.`;
    queueMicrotask(() => run.abort(message, 'failed'));
  };

  const onQuestion = (e: QuestionAsked) => {
    reader ??= createLineReader(opts.stdin);
    const r = reader;
    asking = asking.then(() => answerFromStdin(run, e, r, write, opts.stdin));
  };

  const off = run.on((event: RunEvent) => {
    write(formatter.format(event));
    if (event.type === 'confirmation-requested') onGate(event);
    else if (event.type === 'question-asked') onQuestion(event);
    else if (event.type === 'run-started' && opts.transcriptPath) write([`${'transcript'.padEnd(9)} ${terminalText(opts.transcriptPath)}`]);
    else if (event.type === 'run-finished') {
      if (opts.transcriptPath) write([`${'transcript'.padEnd(9)} ${terminalText(opts.transcriptPath)}`]);
      finish();
    }
  });

  takeOverPending(run, p, write, onGate, onQuestion, opts.ascii);
  return { done, close: () => { finish(); return done; } };
}

/** Attached mid-run (the terminal UI failed): a gate or question already open must not wait forever.
 *  The gate's event is masked already; a raw question is not, so only its step id is printed. */
function takeOverPending(run: Run, p: Paint, write: (lines: string[]) => void, onGate: (e: ConfirmationRequested) => void, onQuestion: (e: QuestionAsked) => void, ascii = false): void {
  const gate = run.pendingGate?.event;
  if (gate) { write(gateLines(gate, p, ascii)); onGate(gate); }
  for (const q of run.pendingQuestions) {
    write([`${'question'.padEnd(9)}${terminalText(q.question.stepId)} is waiting for an answer on stdin`]);
    onQuestion({ type: 'question-asked', questionId: q.questionId, question: q.question });
  }
}

/** Reads lines until one is a valid answer; EOF with the question pending stops the run safely. A secret is
 *  typed with the terminal's echo off (no-echo.ts), back on however the question closes. */
async function answerFromStdin(run: Run, e: QuestionAsked, reader: LineReader, write: (lines: string[]) => void, stdin: { isTTY?: boolean; fd?: number }): Promise<void> {
  const secret = e.question.action.kind === 'prompt' && e.question.action.secret === true;
  const echoOn = secret && run.pendingQuestions.some((q) => q.questionId === e.questionId) ? echoOff(stdin, (l) => write([l])) : () => undefined;
  try {
    await readAnswer(run, e, reader, write, stdin);
  } finally {
    echoOn();
  }
}

async function readAnswer(run: Run, e: QuestionAsked, reader: LineReader, write: (lines: string[]) => void, stdin: { isTTY?: boolean }): Promise<void> {
  for (;;) {
    const line = await reader.next();
    if (!run.pendingQuestions.some((q) => q.questionId === e.questionId)) return; // the run moved on
    if (line === null && terminalGone(stdin)) {
      // A hang-up, not the operator's Ctrl-D: the run can be resumed from another terminal.
      run.abort(TERMINAL_GONE, 'interrupted');
      return;
    }
    if (line === null) {
      write([`${'STOPPED'.padEnd(9)}${e.question.stepId} needs an answer and stdin is closed`]);
      run.abort(STDIN_CLOSED, 'failed');
      return;
    }
    const checked = checkAnswer(e.question, line);
    if ('value' in checked) { run.answer(e.questionId, checked.value, 'stdin'); return; }
    write([`  ${terminalText(checked.error)}`]);
  }
}
