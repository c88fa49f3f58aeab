// A SQL result: columns, the first rows, and the row count.
import { Box, Text } from 'ink';
import type { StepResult } from '../../executors/types.js';
import { tableLines } from '../format.js';
import { useColor } from './theme.js';

/** `from`: the step the result came from, when it is not the current one (the evidence shown at a gate). */
export function SqlTable({ result, maxRows, width, from }: { result: StepResult; maxRows: number; width: number; from?: string | undefined }) {
  const color = useColor();
  const lines = tableLines(result.columns ?? [], result.rows ?? [], result.rowCount, { maxRows, maxCellWidth: 30, maxWidth: width });
  const hasHeader = (result.columns?.length ?? 0) > 0 || (result.rows?.length ?? 0) > 0;
  return (
    <Box flexDirection="column" marginTop={1}>
      {from ? <Text wrap="truncate-end" color={color('dim')}>result of {from}:</Text> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" bold={hasHeader && i === 0} color={i === lines.length - 1 || (hasHeader && i === 1) ? color('dim') : undefined}>{line}</Text>
      ))}
    </Box>
  );
}
