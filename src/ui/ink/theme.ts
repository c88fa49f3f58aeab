// Colour on or off for the whole ink tree (NO_COLOR, or not a TTY): components ask for a colour by tone
// and get undefined when colour is off. chalk alone does not honour NO_COLOR.
import { createContext, useContext } from 'react';
import type { Tone } from '../step-status.js';

/** ascii: the locale is not UTF-8, so every row is drawn in ASCII (ascii-text.ts). */
export const ThemeContext = createContext<{ color: boolean; ascii?: boolean }>({ color: true });

export const useAscii = (): boolean => useContext(ThemeContext).ascii === true;

const TONES: Record<Tone, string | undefined> = { ok: 'green', bad: 'red', warn: 'yellow', active: 'cyan', dim: 'gray', plain: undefined };

export function useColor(): (tone: Tone | 'accent') => string | undefined {
  const { color } = useContext(ThemeContext);
  return (tone) => (color ? (tone === 'accent' ? 'magenta' : TONES[tone]) : undefined);
}
