// The focused step's output, last lines only; PgUp/PgDn scroll back through what the view kept.
import { Box, Text } from 'ink';
import type { OutputLine } from '../view-model.js';
import { useColor } from './theme.js';

export interface OutputPaneProps { lines: OutputLine[]; height: number; scroll: number; running: boolean }

export function OutputPane({ lines, height, scroll, running }: OutputPaneProps) {
  const color = useColor();
  if (!lines.length) return running ? <Box marginTop={1}><Text color={color('dim')}>(no output yet)</Text></Box> : null;
  const back = Math.min(scroll, Math.max(0, lines.length - height));
  const end = lines.length - back;
  const start = Math.max(0, end - height);
  const where = back > 0 ? `lines ${start + 1}–${end} of ${lines.length}, End to follow` : `last ${end - start} of ${lines.length} lines`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('dim')}>output ({where})</Text>
      {lines.slice(start, end).map((l, i) => (
        <Text key={start + i} wrap="truncate-end" color={l.stream === 'stderr' ? color('bad') : undefined}>
          <Text color={color('dim')}>│ </Text>{l.text}
        </Text>
      ))}
    </Box>
  );
}
