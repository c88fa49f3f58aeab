// Mounts the ink UI for a run. Ctrl-C is ours (exitOnCtrlC off): in raw mode it arrives as a key, not as
// SIGINT. The live view draws on the alternate screen where the terminal has one (screen.ts); when the run
// ends the record is printed on the operator's own screen. The terminal is restored (raw mode off, cursor
// shown, the alternate screen left) when the run ends, when the UI is closed, and on exit if the process dies. If the UI itself crashes, plain mode takes over with no
// approvals: the run is never left waiting at a gate nobody can see, and nothing destructive runs unasked.
import { render, renderToString } from 'ink';
import type { Run } from '../../engine/run.js';
import type { UIHandle, UIOptions } from '../index.js';
import { attachPlain } from '../plain/plain-ui.js';
import { createViewStore } from '../view-store.js';
import type { ViewModel } from '../view-model.js';
import { finalRecordRows } from '../frame/final-record.js';
import { termHasAlternateScreen } from '../term-kind.js';
import { Rows } from './Rows.js';
import { openScreen, type Screen } from './screen.js';
import type { TerminalGuard } from '../terminal-guard.js';
import { TerminalSizeContext } from './use-terminal-size.js';
import { App } from './App.js';
import { ThemeContext } from './theme.js';
import { terminalText } from '../../common/terminal-text.js';

type InkOptions = UIOptions & { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; color: boolean; ascii: boolean; guard?: TerminalGuard };

export function mountInk(run: Run, opts: InkOptions): UIHandle {
  let failure: Error | undefined;
  // A reducer failure ends the ink view like a render error does (render's unmount() takes no error).
  const store = createViewStore(run, opts.doc, (err) => { failure ??= err; instance.unmount(); });
  const screen = openScreen(opts.stdout, termHasAlternateScreen(opts.env ?? process.env), (on) => opts.guard?.alternate(on));
  const transcriptPath = opts.transcriptPath && terminalText(opts.transcriptPath);
  const instance = render(
    <TerminalSizeContext.Provider value={screen.size}>
      <ThemeContext.Provider value={{ color: opts.color, ascii: opts.ascii }}>
        <App run={run} store={store} transcriptPath={opts.transcriptPath} notice={flagNotice(opts)} finalFrame={false} {...(opts.team ? { team: opts.team } : {})} />
      </ThemeContext.Provider>
    </TerminalSizeContext.Provider>,
    // No incrementalRendering: ink 6.8's rewinds the cursor one row short when the frame's height changes,
    // leaving a stale row on screen (seen in tmux: a gate's top border under the final header). The frame is
    // small (never taller than the terminal, App.tsx), so rewriting it whole costs little.
    { stdout: screen.inkStdout, stdin: opts.stdin, exitOnCtrlC: false, patchConsole: true, incrementalRendering: false },
  );
  // The store's lines are drawn from here on, not written over the screen; once the view is gone, written again.
  opts.team?.setDrawn(true);
  const stopContinue = onContinue(opts.stdin, screen);
  const done = instance.waitUntilExit()
    .then(() => undefined, (err: unknown) => { failure ??= err instanceof Error ? err : new Error(String(err)); })
    .then(() => {
      stopContinue();
      opts.team?.setDrawn(false);
      const vm = store.get();
      store.dispose();
      screen.close();
      if (!failure) {
        // Drawn in place (no alternate screen), the last, empty frame left the cursor one row below the view.
        if (vm.finished) opts.stdout.write(`${screen.alternate ? '' : '\x1b[1A'}${finalRecord(vm, opts.stdout.columns || 80, transcriptPath, opts.color, opts.ascii)}\n`);
        return undefined;
      }
      opts.stdout.write(`\nrunbook: the terminal UI failed (${terminalText(failure.message)}); continuing in plain mode\n`);
      return run.result ? undefined : attachPlain(run, { ...opts, approve: [], yes: false }).done;
    });
  return { done, close: () => { instance.unmount(); return done; } };
}

/** Job control: stopped (kill -TSTP, or the terminal's suspend key where raw mode leaves it one) and continued
 *  (`fg`), the view finds the terminal as the shell left it: cooked mode (keys echoed, taken a line at a time:
 *  no gate answerable by one key) and its "[1]+ Stopped" and "fg" written over the frame. On SIGCONT raw mode is
 *  set again (off then on: libuv skips a mode it believes is already set) and the whole frame drawn anew. */
function onContinue(stdin: NodeJS.ReadStream, screen: Screen): () => void {
  const resume = () => {
    if (stdin.isTTY && stdin.isRaw) {
      try { stdin.setRawMode(false); stdin.setRawMode(true); } catch { /* the terminal is gone: its own handlers end the run */ }
    }
    screen.redraw();
  };
  process.on('SIGCONT', resume);
  return () => { process.off('SIGCONT', resume); };
}

/** The final record as text, for the terminal's width (src/ui/frame/final-record.ts). */
function finalRecord(vm: ViewModel, columns: number, transcriptPath: string | undefined, color: boolean, ascii: boolean): string {
  return renderToString(<ThemeContext.Provider value={{ color, ascii }}><Rows rows={finalRecordRows(vm, columns, transcriptPath)} /></ThemeContext.Provider>, { columns });
}

/** --approve / --yes are for plain mode: here every destructive step is confirmed by the operator. */
function flagNotice(opts: Pick<UIOptions, 'approve' | 'yes'>): string | undefined {
  if (!opts.yes && !opts.approve.length) return undefined;
  return `${opts.yes ? '--yes' : '--approve'} applies to plain mode only: here you confirm each destructive step`;
}
