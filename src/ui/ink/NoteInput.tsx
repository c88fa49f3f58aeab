// An operator note for the transcript: typed, Enter to add, Esc to drop.
import { Box, Text } from 'ink';
import { useLineInput } from './use-line-input.js';
import { useColor } from './theme.js';

export function NoteInput({ active, onSubmit, onCancel }: { active: boolean; onSubmit(text: string): void; onCancel(): void }) {
  const color = useColor();
  const field = useLineInput({
    isActive: active,
    onSubmit(value) { if (value.trim()) onSubmit(value.trim()); else onCancel(); },
    onCancel,
  });
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color={color('accent')}>note for the transcript (Enter to add, Esc to cancel)</Text>
      <Text><Text color={color('accent')}>✎ </Text>{field.value}<Text inverse> </Text></Text>
    </Box>
  );
}
