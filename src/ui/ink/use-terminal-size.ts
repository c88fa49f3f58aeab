// The terminal's size as state: the frame is laid out for it and redrawn when it changes (a resize re-renders;
// reading stdout.rows only during a render saw a resize only at the next unrelated update). mount.tsx provides
// the real terminal's size here: ink is given a stdout whose `rows` it cannot use to clear the screen.
import { createContext, useContext, useEffect, useReducer, useRef } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize { rows: number; columns: number }
/** `resizedAt`: when the terminal last said it was resized (ms, Date.now()), 0 if never. */
export interface SizeSource { get(): TerminalSize; subscribe(listener: () => void): () => void; resizedAt(): number }

/**
 * How long after a resize the screen is not taken to show what the frame holds (a probe of stop 68): tmux shows a
 * window's new size at once but holds a pane resize that follows another for ~240 ms, so for that long the pty, and
 * the frame laid out for it, said 50 rows while the operator saw 20. Grow, y, shrink ran a gate whose command was
 * never on screen, and a page of the whole-confirmation view drawn only into rows scrolled away counted as read.
 */
export const RESIZE_QUIET_MS = 500;

/** When the terminal was last resized: read at a key or a timer, not only at a render. */
export function useResizedAt(): () => number {
  const source = useContext(TerminalSizeContext);
  const { stdout } = useStdout();
  const own = useRef(0);
  useEffect(() => {
    if (source) return undefined;
    const onResize = () => { own.current = Date.now(); };
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [source, stdout]);
  return () => (source ? source.resizedAt() : own.current);
}

export const TerminalSizeContext = createContext<SizeSource | undefined>(undefined);

export function useTerminalSize(): TerminalSize {
  const source = useContext(TerminalSizeContext);
  const { stdout } = useStdout();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (source) return source.subscribe(redraw);
    const onResize = () => redraw();
    stdout.on('resize', onResize);
    return () => { stdout.off('resize', onResize); };
  }, [source, stdout]);
  return source ? source.get() : { rows: stdout.rows || 24, columns: stdout.columns || 80 };
}
