// After one Ctrl-C: ask before ending the run. Its keys (y or a second Ctrl-C aborts; n or Esc goes on) are read
// by use-global-keys.ts, which listens from the start: a listener of this panel's own would attach only after the
// frame that shows it, and a y typed at once would reach whatever owned the keys before (a gate).
import { boxed, seg } from '../frame/row.js';
import { Rows } from './Rows.js';

export const ABORT_ROWS = 3;

export function AbortPrompt({ stepId, width }: { stepId?: string | undefined; width: number }) {
  return <Rows rows={boxed([[seg(`${stepId ? `abort '${stepId}' and end the run?` : 'abort this step and end the run?'} (y/n)`, { tone: 'bad', bold: true }),
    seg('  Ctrl-C again aborts', { tone: 'dim' })]], width, 'bad')} />;
}
