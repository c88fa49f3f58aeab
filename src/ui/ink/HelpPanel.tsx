// The keys (? toggles; Esc closes too).
import { Box, Text, useInput } from 'ink';
import { KEYS } from '../focus.js';
import { useColor } from './theme.js';

export function HelpPanel({ active, onClose }: { active: boolean; onClose(): void }) {
  const color = useColor();
  useInput((input, key) => { if (input === '?' || input === 'q' || key.escape) onClose(); }, { isActive: active });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color('accent')} paddingX={1} marginTop={1}>
      <Text bold>keys</Text>
      {KEYS.map(([k, what]) => (
        <Box key={k}><Box width={22} flexShrink={0}><Text bold>{k}</Text></Box><Text>{what}</Text></Box>
      ))}
      <Text color={color('dim')}>? or Esc to close</Text>
    </Box>
  );
}
