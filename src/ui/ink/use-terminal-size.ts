// The terminal's size as state: the frame is laid out for it and redrawn when it changes (a resize re-renders;
// reading stdout.rows only during a render saw a resize only at the next unrelated update). mount.tsx provides
// the real terminal's size here: ink is given a stdout whose `rows` it cannot use to clear the screen.
import { createContext, useContext, useEffect, useReducer } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize { rows: number; columns: number }
export interface SizeSource { get(): TerminalSize; subscribe(listener: () => void): () => void }

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
