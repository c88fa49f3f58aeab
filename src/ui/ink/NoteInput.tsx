// An operator note for the transcript: typed, Enter to add, Esc to drop. Two rows.
import { seg } from '../frame/row.js';
import { useOwns } from './key-owner.js';
import { useLineInput } from './use-line-input.js';
import { Rows } from './Rows.js';

export const NOTE_ROWS = 2;

export function NoteInput({ active, onSubmit, onCancel }: { active: boolean; onSubmit(text: string): void; onCancel(): void }) {
  const owns = useOwns();
  const field = useLineInput({
    isActive: active,
    accepts: () => owns('note'),
    onSubmit(value) { if (value.trim()) onSubmit(value.trim()); else onCancel(); },
    onCancel,
  });
  return <Rows rows={[
    [seg('note for the transcript (Enter to add, Esc to cancel)', { tone: 'accent' })],
    [seg('✎ ', { tone: 'accent' }), seg(field.value), seg(' ', { inverse: true })],
  ]} />;
}
