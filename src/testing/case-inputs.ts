// A case's input values: the same rules as `runbook run` (never the environment: cases are hermetic), except
// that a secret recorded masked stands in for the real value. --from-transcript writes a secret input as
// '****' (the whole value is the secret, so the transcript never held more); no file holds the real one, and a
// case runs nothing real, so its type and pattern cannot hold. Without this the value was dropped as invalid
// and the runbook saw the input as unset (a call passing it on failed with 'missing input').
import type { RunbookDoc } from '../language/schema.js';
import { resolveInputs, type InputProblem } from '../engine/inputs.js';
import { MASK, type Redactor } from '../secrets/redactor.js';
import { own, setOwn } from '../common/own.js';

/** `passed`: the values come from a calling step, where a value holding a secret is a secret as a whole in the
 *  called runbook whether or not its input is declared secret there (the step runner registered it). */
export function caseInputs(doc: RunbookDoc, given: Record<string, string>, redactor: Redactor, passed = false):
  { values: Record<string, unknown>; problems: InputProblem[] } {
  const { values, problems } = resolveInputs(doc, given, {}, redactor);
  const left: InputProblem[] = [];
  for (const p of problems) {
    const value = own(given, p.input);
    const secret = own(doc.inputs ?? {}, p.input)?.secret === true || (passed && value !== undefined && redactor.contains(value));
    if (value?.includes(MASK) && secret) setOwn(values, p.input, value);
    else left.push(p);
  }
  return { values, problems: left };
}
