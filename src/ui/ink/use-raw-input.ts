// The terminal's reads as ink splits them (escape sequences apart, everything else as it came), before ink's
// useInput turns a read into one key: a read of "INC-12⌫3⏎" is one "key" there, its Backspace and Enter lost.
// Text fields and the high-risk gate read here so every key of a read counts, in order.
import { useEffect, useRef } from 'react';
import { useStdin } from 'ink';

export function useRawInput(handler: (read: string) => void, opts: { isActive: boolean }): void {
  const { setRawMode, internal_eventEmitter: events } = useStdin();
  // The latest handler, without re-subscribing each render (a read between two subscriptions would be lost).
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!opts.isActive) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [opts.isActive, setRawMode]);
  useEffect(() => {
    if (!opts.isActive) return;
    const on = (read: string) => latest.current(read);
    events.on('input', on);
    return () => { events.removeListener('input', on); };
  }, [opts.isActive, events]);
}

/** A function key's number (F1–F12) from its escape sequence (xterm, VT220 and the Linux console), else 0. */
export function functionKey(read: string): number {
  const ss3 = /^\u001b(?:O|\[)([PQRS])$/.exec(read);
  if (ss3) return 'PQRS'.indexOf(ss3[1]!) + 1;
  const linux = /^\u001b\[\[([A-E])$/.exec(read);
  if (linux) return 'ABCDE'.indexOf(linux[1]!) + 1;
  const vt = /^\u001b\[(\d+)(?:;\d+)?~$/.exec(read);
  const map: Record<string, number> = { 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 17: 6, 18: 7, 19: 8, 20: 9, 21: 10, 23: 11, 24: 12 };
  return vt ? map[vt[1]!] ?? 0 : 0;
}
