// After one Ctrl-C: ask before ending the run. y (or a second Ctrl-C, handled by App) aborts; n/Esc resume.
import { useInput } from 'ink';
import { boxed, seg } from '../frame/row.js';
import { Rows } from './Rows.js';

export const ABORT_ROWS = 3;

export function AbortPrompt({ stepId, width, onYes, onNo }: { stepId?: string | undefined; width: number; onYes(): void; onNo(): void }) {
  useInput((input, key) => {
    if (input === 'y') onYes();
    else if (input === 'n' || key.escape) onNo();
  });
  return <Rows rows={boxed([[seg(`${stepId ? `abort '${stepId}' and end the run?` : 'abort this step and end the run?'} (y/n)`, { tone: 'bad', bold: true }),
    seg('  Ctrl-C again aborts', { tone: 'dim' })]], width, 'bad')} />;
}
