// The latest operator notes (all of them are in the transcript).
import { Box, Text } from 'ink';
import type { NoteView } from '../view-model.js';
import { useColor } from './theme.js';

export function Notes({ notes, max = 2 }: { notes: NoteView[]; max?: number }) {
  const color = useColor();
  if (!notes.length) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      {notes.slice(-max).map((n, i) => (
        <Text key={notes.length - max + i} wrap="truncate-end" color={color('accent')}>✎ {n.by}{n.stepId ? ` at ${n.stepId}` : ''}: <Text color={undefined}>{n.text}</Text></Text>
      ))}
      {notes.length > max ? <Text color={color('dim')}>  ({notes.length} notes in all)</Text> : null}
    </Box>
  );
}
