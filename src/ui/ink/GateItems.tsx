// The items a for_each gate's approval covers (ui/gate-items.ts words them). On a terminal too short for all of
// them the list gives up rows like the gate's other long fields, but never silently: the last row says how many
// are not shown and where they are. The count heads the list, so the operator always sees the whole number.
import { useEffect, useRef, useState } from 'react';
import { Box, measureElement, Text, useStdout, type DOMElement } from 'ink';
import type { GateItem } from '../../engine/events.js';
import { gateItemLines } from '../gate-items.js';
import { useColor } from './theme.js';

export function GateItems({ items, itemsDone }: { items: GateItem[]; itemsDone?: number }) {
  const color = useColor();
  const [head, ...lines] = gateItemLines(items, itemsDone);
  const ref = useRef<DOMElement>(null);
  // Rows this box was given when fewer than the list needs; measured after layout, reset when the terminal resizes.
  const [fit, setFit] = useState<number | undefined>(undefined);
  const { stdout } = useStdout();
  useEffect(() => {
    const reset = () => setFit(undefined);
    stdout.on('resize', reset);
    return () => { stdout.off('resize', reset); };
  }, [stdout]);
  useEffect(() => {
    if (!ref.current || fit !== undefined) return;
    const { height } = measureElement(ref.current);
    if (height < lines.length + 1) setFit(Math.max(2, height));
  });
  const shown = fit === undefined ? lines : lines.slice(0, Math.max(0, fit - 2));
  const hidden = lines.length - shown.length;
  return (
    <Box ref={ref} flexDirection="column" flexShrink={1} overflow="hidden">
      <Box flexDirection="column" flexShrink={0}>
        <Text bold>{head}</Text>
        {shown.map((l, i) => <Text key={i} color={color('active')}>{l}</Text>)}
        {hidden > 0
          ? <Text color={color('warn')}>… {hidden} more not shown here: a taller terminal shows them; all are in the transcript</Text>
          : null}
      </Box>
    </Box>
  );
}
