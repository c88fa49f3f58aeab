// Cut-and-resume tests give each cut of one real run an output file of its own: the run's output path, an input's
// value, is replaced in the cut's text. The header's input prints (src/resume/input-prints.ts) then fingerprint the
// old value, and a resume refuses the edited one as another input value: they are dropped, and the resume compares
// the header's value as it does for a transcript written before the prints.
import { randomUUID } from 'node:crypto';

const INPUT_PRINTS = /,"inputPrints":\{"salt":"[0-9a-f]+","prints":\[[^\]]*\]\}/;

/** The transcript's text without its header's input prints. */
export const withoutInputPrints = (text: string): string => text.replace(INPUT_PRINTS, '');

/** `text` (transcript lines) as a crash of its own run: `from` replaced by `to`, a run id of its own, no input prints. */
export function ownCrash(text: string, from: string, to: string): string {
  return `${withoutInputPrints(text.split(from).join(to).replace(/"runId":"[^"]+"/, `"runId":"${randomUUID()}"`))}\n`;
}
