// The cases file of `runbook test`: scripted step results, gate answers, and the path and outcome each
// case expects. One TypeBox definition gives the checks, the types and docs/runbook-cases.schema.json.
import { Type, type Static } from '@sinclair/typebox';
import { CLASSIFICATIONS } from '../executors/types.js';
import { forEditors } from '../language/hover.js';

const doc = (description: string, examples?: unknown[]) => (examples ? { description, examples } : { description });

export { CLASSIFICATIONS };

export const CASE_OUTCOMES = ['resolved', 'escalate', 'failed', 'aborted'] as const;
export const GATE_ANSWERS = ['yes', 'skip', 'abort'] as const;

const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), doc(description));

const InputValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()], doc('An input value, as --input would give it.'));

const resultFields = {
  status: Type.Optional(literals(['ok', 'failed', 'timeout'],
    'What the step ended with. Default: failed when exitCode is non-zero, error is set or classification is not ok; otherwise ok.')),
  exitCode: Type.Optional(Type.Union([Type.Integer(), Type.Null()], doc('Exit code of a shell step. Default 0, or 1 when the status is failed.'))),
  stdout: Type.Optional(Type.String(doc('Standard output; expressions read it as .stdout and, trimmed, .output.', ['42\n']))),
  stderr: Type.Optional(Type.String(doc('Standard error.'))),
  rows: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown(doc('The value of this column.'))),
    doc('Rows of a SQL step (or a wait polling SQL); rowCount and columns follow from them.', [[{ used: 95, max: 100 }]]))),
  rowCount: Type.Optional(Type.Integer(doc('Rows affected or returned, when it differs from the number of rows given.'))),
  columns: Type.Optional(Type.Array(Type.String(), doc('Column names; default: the keys of the first row.'))),
  classification: Type.Optional(literals(CLASSIFICATIONS, 'What kind of failure (or ok) a probe or SQL step saw; `on` branches on it.')),
  value: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()],
    doc("The operator's answer to a manual or prompt step (a choice, or text), or a called runbook's outcome. Defaults: done for a manual step without choices, a prompt's default, resolved for a runbook call.", ['fixed']))),
  error: Type.Optional(Type.String(doc('The one-line error of a failed step.', ['connect ECONNREFUSED 10.0.0.5:5432']))),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown(doc('One piece of evidence.')), doc('Probe evidence (addresses, certificate expiry, …).'))),
};

const ItemResult = Type.Object(resultFields, { additionalProperties: false, ...doc('The result one item of a for_each step pretends to have.') });

export const ScriptedResult = Type.Object({
  ...resultFields,
  items: Type.Optional(Type.Array(ItemResult, doc('A for_each step: one result per item, in the order of its list (the first item gets the first). '
    + 'An item past the end of this list gets the fields above; without items every item gets them. The step\'s own result follows from its items.',
  [[{ status: 'ok' }, { status: 'failed', exitCode: 1 }, { status: 'ok' }]]))),
}, { additionalProperties: false, ...doc('The result a step pretends to have; nothing is run.') });

const StepScript = Type.Union([ScriptedResult, Type.Array(ScriptedResult, { minItems: 1 })],
  doc('One result, or a list used in turn by each attempt (retries) and each visit (loops); the last one repeats.'));

// Any text: an unknown step id is reported by the case checks, with a did-you-mean.
const StepKey = Type.String();

export const Case = Type.Object({
  name: Type.String(doc('What this case shows; printed in the results.', ['WAL piles up because archiving fails'])),
  description: Type.Optional(Type.String(doc('Notes for people reading the cases.'))),
  inputs: Type.Optional(Type.Record(Type.String(), InputValue, doc('Inputs of the run; merged over the file-level inputs. The environment is never read.'))),
  steps: Type.Optional(Type.Record(StepKey, StepScript,
    doc('Pretend results by step id. A step left out succeeds with empty output. A `runbook:` step left out runs the called runbook, '
      + 'whose steps are scripted here as <call>/<step> (deeper: <call>/<inner-call>/<step>); a `runbook:` step given here pretends its outcome instead.',
    [{ connect: { status: 'failed', classification: 'refused' } }, { network: { value: 'escalate' } }, { 'network/ping': { stdout: 'up' } }]))),
  gates: Type.Optional(Type.Record(StepKey, literals(GATE_ANSWERS, 'yes runs the step, skip records it as skipped and moves on, abort ends the run.'),
    doc('Answers at the confirmation gates of destructive steps, by step id (a called runbook\'s as <call>/<step>). Default: yes.', [{ 'restart-app': 'skip' }]))),
  dry_run: Type.Optional(Type.Boolean(doc('Run as --dry-run does: destructive steps are shown and skipped, without a gate.'))),
  path: Type.Array(Type.String(), { minItems: 1, ...doc('The steps the run must go through, in order, from the first step to the one it ends at.', [['connect', 'usage', 'done']]) }),
  outcome: literals(CASE_OUTCOMES, 'How the run must end.'),
  message: Type.Optional(Type.String(doc('Text the final message must contain.'))),
}, { additionalProperties: false, ...doc('One scripted run and what it must do.') });

export const CasesFile = Type.Object({
  $schema: Type.Optional(Type.String(doc('The JSON Schema this file follows, for editors; runbook ignores it.'))),
  inputs: Type.Optional(Type.Record(Type.String(), InputValue, doc('Inputs every case starts from.', [{ url: 'postgres://app@db:5432/app' }]))),
  cases: Type.Array(Case, { minItems: 1, ...doc('The cases; each is one run through the real engine with scripted results.') }),
}, { additionalProperties: false, ...doc('Test cases for one runbook, run by `runbook test`.'), title: 'runbook test cases' });

export type ScriptedResultDoc = Static<typeof ScriptedResult>;
export type CaseDoc = Static<typeof Case>;
export type CasesFileDoc = Static<typeof CasesFile>;
export type GateAnswer = (typeof GATE_ANSWERS)[number];

export const CASES_SCHEMA_ID = 'https://runbook.dev/schema/runbook-cases.schema.json';

export function publishedCasesSchema(): Record<string, unknown> {
  const clean = JSON.parse(JSON.stringify(CasesFile)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: CASES_SCHEMA_ID, ...forEditors(clean) };
}
