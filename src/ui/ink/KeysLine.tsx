// One line of the keys that work right now.
import { Text } from 'ink';
import type { Focus } from '../focus.js';
import { useColor } from './theme.js';

const HINTS: Partial<Record<Focus, string>> = {
  idle: 'n note · ? keys · PgUp/PgDn scroll output · Ctrl-C abort',
  manual: 'n note · ? keys · Ctrl-C abort',
  prompt: 'Enter submit · Ctrl-C abort',
  gate: 'Ctrl-C abort',
  note: 'Enter add note · Esc cancel',
};

export function KeysLine({ focus }: { focus: Focus }) {
  const color = useColor();
  const hint = HINTS[focus];
  return hint ? <Text color={color('dim')}>{hint}</Text> : null;
}
