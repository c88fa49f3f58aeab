// After one Ctrl-C: ask before ending the run. y (or a second Ctrl-C, handled by App) aborts; n/Esc resume.
import { Box, Text, useInput } from 'ink';
import { useColor } from './theme.js';

export function AbortPrompt({ stepId, onYes, onNo }: { stepId?: string | undefined; onYes(): void; onNo(): void }) {
  const color = useColor();
  useInput((input, key) => {
    if (input === 'y') onYes();
    else if (input === 'n' || key.escape) onNo();
  });
  return (
    <Box borderStyle="round" borderColor={color('bad')} paddingX={1} marginTop={1}>
      <Text bold color={color('bad')}>
        {stepId ? `abort '${stepId}' and end the run?` : 'abort this step and end the run?'} (y/n)
        <Text color={color('dim')} bold={false}>  Ctrl-C again aborts</Text>
      </Text>
    </Box>
  );
}
