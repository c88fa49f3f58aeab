// Manual-step instructions, rendered with the little markdown a terminal can show.
import { Box, Text } from 'ink';
import { markdownLines } from '../markdown.js';
import { useColor } from './theme.js';

export function Markdown({ source }: { source: string }) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      {markdownLines(source).map((segs, i) => (
        <Text key={i} wrap="wrap">
          {segs.map((s, j) => (
            <Text key={j} bold={s.style === 'bold' || s.style === 'heading'} underline={s.style === 'heading'}
              color={s.style === 'code' ? color('active') : undefined}>{s.text}</Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
