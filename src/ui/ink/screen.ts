// The terminal the live view draws on, and how it is left. Three things ink 6.8 gets wrong on a real terminal:
// - a frame as tall as the terminal, or a resize that makes the last frame so (ink compares the last frame's
//   height with the new `rows`), makes it send ESC[2J ESC[3J: the screen *and the scrollback* cleared. ink is
//   given a stdout whose `rows` it never reaches; the frame is kept one row short of the real height (App.tsx).
// - on a resize it draws the old layout at the new size before the new one; ink does not hear resizes here,
//   the App lays the frame out again (use-terminal-size.ts) and ink draws that.
// - a resize that shrinks the terminal pushes the top rows of the frame into the scrollback (tmux, xterm),
//   where they stay as stale copies. On terminals that have one, the live view draws on the alternate screen,
//   which has no scrollback; leaving it restores the operator's screen and scrollback untouched.
// - the final frame stays where the live frame was. The record is printed after the view closes instead, as
//   plain lines that scroll like any output, ending with a newline so the prompt starts on a fresh line.
import type { SizeSource, TerminalSize } from './use-terminal-size.js';

const ENTER = '\x1b[?1049h\x1b[H';
const LEAVE = '\x1b[?1049l';
/** What ink reads as the terminal's height: never reached, so its clear-the-screen path never runs. */
const UNREACHABLE_ROWS = 100_000;
const HIDES_RESIZE = new Set<string | symbol>(['on', 'addListener', 'once', 'off', 'removeListener', 'prependListener']);

export interface Screen {
  /** For ink: the real stdout, but for `rows`. */
  inkStdout: NodeJS.WriteStream;
  /** The real size, for the frame (listened to before ink listens: the frame is laid out anew first). */
  size: SizeSource;
  alternate: boolean;
  /** Back to the operator's screen; idempotent. */
  close(): void;
  /** The whole frame drawn again from the top, over whatever another program wrote on the screen (job control:
   *  mount.tsx). The alternate screen entered again (a shell may have left it), the screen below the cursor
   *  erased (never ESC[2J or ESC[3J), and ink made to write its whole last frame: a console line (ink clears its
   *  frame, writes the line, and writes the frame again below it) of nothing. */
  redraw(): void;
}

/** `onAlternate`: told when the alternate screen is entered and left (the terminal guard leaves it for a
 *  process that dies without a word). */
export function openScreen(stdout: NodeJS.WriteStream, alternate: boolean, onAlternate: (on: boolean) => void = () => undefined): Screen {
  const listeners = new Set<() => void>();
  const size = (): TerminalSize => ({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
  let resizedAt = 0;
  const onResize = () => { resizedAt = Date.now(); for (const l of [...listeners]) l(); };
  stdout.on('resize', onResize);
  let open = true;
  const leave = () => {
    if (!open) return;
    open = false;
    stdout.off('resize', onResize);
    process.off('exit', leave);
    if (alternate) { try { stdout.write(LEAVE); } catch { /* the terminal is gone */ } onAlternate(false); }
  };
  // A crash or process.exit before the view closes still gives the operator's screen back.
  process.on('exit', leave);
  if (alternate) { onAlternate(true); stdout.write(ENTER); }
  const inkStdout: NodeJS.WriteStream = new Proxy(stdout, {
    get(target, key) {
      if (key === 'rows') return UNREACHABLE_ROWS;
      // ink is not told of resizes: it would draw the old layout at the new size first (a frame taller than the
      // terminal for a moment). The frame is laid out again by the App, which hears it from `size`.
      if (HIDES_RESIZE.has(key)) return (event: string | symbol, ...rest: unknown[]) => (event === 'resize' ? inkStdout : (target[key as 'on'] as (...a: unknown[]) => unknown).call(target, event, ...rest));
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    inkStdout,
    size: { get: size, subscribe(l) { listeners.add(l); return () => listeners.delete(l); }, resizedAt: () => resizedAt },
    alternate,
    close: leave,
    redraw() {
      if (!open) return;
      try { stdout.write(alternate ? `${ENTER}\x1b[J` : '\r\x1b[J'); } catch { return; /* the terminal is gone */ }
      for (const l of [...listeners]) l();
      // ink's patched console (mount.tsx: patchConsole) rewrites the frame around what is logged; an empty line at
      // the top scrolls out as the frame fills the rows below it.
      console.log('');
    },
  };
}
