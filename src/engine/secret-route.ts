// A route is shown: the screen, the transcript and the report say whether a step ran, which branch was taken, where a
// step ran and how many items a loop went through. A route decided by a secret spells it one step per guess (a probe
// of stop 78: `if: split(inputs.pin, '')[0] == '4'`, and stop 79's `next: [{ if: vars.d }]`, whose branch line even
// printed the value). So a route may be decided only by what the record shows of the run: a step's status, exit code,
// classification and counts, whether an input was given, a value no secret flowed into. An expression a secret flowed
// into (the evaluator's taint, by flow) is not a route: the run stops there, naming the expression, never its value.
import { namesStatus, namesStatusOnly, ROUTE_SHOWN, type RoutedResult } from '../language/results.js';

/** Why the run will not take a route a secret flowed into; validate says the same (`secret-route`). */
export const SECRET_ROUTE = `a secret flowed into it, and ${ROUTE_SHOWN}`;

export class SecretRoute extends Error {
  constructor() { super(SECRET_ROUTE); }
}

/** The `on` keys of a step whose value the record withholds that would be matched against what it withholds, each
 *  a route the secret chose, taken or not: of a step given a secret, every key but a status (its value and its
 *  classification, read from its output or exit code); of a secret step or prompt, its value. */
export function valueKeysOfSecret(on: Record<string, string> | undefined, result: RoutedResult & { withheld?: unknown } | undefined, secretStep: boolean): string[] {
  if (!on || !result) return [];
  if (result.withheld !== undefined) return Object.keys(on).filter((k) => !namesStatusOnly(k));
  return secretStep && result.value !== undefined ? Object.keys(on).filter((k) => !namesStatus(k)) : [];
}
