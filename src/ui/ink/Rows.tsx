// Draws rows built by src/ui/frame: each row one <Text> cut at the terminal's edge, so it is one line, always.
import { Text } from 'ink';
import { flat, type Row } from '../frame/row.js';
import { useAscii, useColor } from './theme.js';
import { asciiText } from '../ascii-text.js';

export function Rows({ rows }: { rows: Row[] }) {
  const color = useColor();
  const shown = useAscii() ? (t: string) => asciiText(flat(t)) : flat;
  return (
    <>
      {rows.map((r, i) => (
        <Text key={i} wrap="truncate-end">
          {r.length ? r.map((s, j) => (
            <Text key={j} color={s.tone ? color(s.tone) : undefined} bold={s.bold} inverse={s.inverse} underline={s.underline}>{shown(s.text)}</Text>
          )) : ' '}
        </Text>
      ))}
    </>
  );
}
