// The items a for_each gate's approval covers, every one listed (ui/gate-items.ts words them).
import { Box, Text } from 'ink';
import type { GateItem } from '../../engine/events.js';
import { gateItemLines } from '../gate-items.js';
import { useColor } from './theme.js';

export function GateItems({ items, itemsDone }: { items: GateItem[]; itemsDone?: number }) {
  const color = useColor();
  const [head, ...lines] = gateItemLines(items, itemsDone);
  return (
    <Box flexDirection="column">
      <Text bold>{head}</Text>
      {lines.map((l, i) => <Text key={i} color={color('active')}>{l}</Text>)}
    </Box>
  );
}
