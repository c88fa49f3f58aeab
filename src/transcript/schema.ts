// The transcript format, defined once: one JSON object per line. The published JSON Schema
// (docs/transcript.schema.json) and the line types the writer and reader use derive from these definitions;
// a compile-time check below keeps the event lines in step with the engine's RunEvent union.
import { Type, type Static, type TLiteral, type TObject, type TProperties } from '@sinclair/typebox';
import type { RunEvent } from '../engine/events.js';
import type { StepResult } from '../executors/types.js';
import { STEP_KINDS } from '../language/schema.js';
import { CLASSIFICATIONS } from '../executors/types.js';

/** Bumped when a change would make an older reader misread a transcript (new fields are not such a change). */
export const FORMAT_VERSION = 1;

const doc = (description: string) => ({ description });
const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), doc(description));

const Meta = {
  seq: Type.Integer({ minimum: 0, ...doc('Position of the line in the transcript, from 0 (the header); never reused, also across resumes.') }),
  ts: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$', ...doc('When the line was written (UTC, ISO 8601).') }),
};

const Str = Type.String();
const OptStr = (description?: string) => Type.Optional(Type.String(description ? doc(description) : {}));
const Anything = Type.Record(Type.String(), Type.Unknown());

const Classification = literals(CLASSIFICATIONS, 'What went wrong, as a scenario name.');

const ResultFields = {
  status: literals(['ok', 'failed', 'timeout', 'aborted', 'skipped'] as const, 'How the step ended.'),
  durationMs: Type.Number(),
  exitCode: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  signal: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  stdout: OptStr('Bounded by the executor: head and tail, the middle elided.'),
  stderr: OptStr(),
  outputBytes: Type.Optional(Type.Number()),
  rows: Type.Optional(Type.Array(Anything, doc('The first rows, up to 10,000 rows and 1 MiB (as JSON); the rest are counted in rowsOmitted.'))),
  rowCount: Type.Optional(Type.Number(doc('Every row the statement returned (or, for a write without rows, affected).'))),
  rowsOmitted: Type.Optional(Type.Integer({ minimum: 1, ...doc('Rows returned but not kept (over the row or byte limit).') })),
  bytesOmitted: Type.Optional(Type.Integer({ minimum: 0, ...doc('The JSON size of the rows not kept.') })),
  columns: Type.Optional(Type.Array(Str)),
  classification: Type.Optional(Classification),
  value: OptStr('Prompt answer or manual choice.'),
  error: OptStr('One line, secrets masked.'),
  details: Type.Optional(Anything),
  truncated: Type.Optional(Type.Object({
    fields: Type.Array(Str, doc('The result fields left out of this record.')),
    reason: Type.String(doc('Why: the record was over the line limit, or could not be serialised.')),
  }, { additionalProperties: false, ...doc('Present only when the step-finished record could not be written whole: the step did finish, and this is what was kept.') })),
};

const ItemResultSchema = Type.Object({
  index: Type.Integer({ minimum: 0, ...doc('Position of the item in the for_each list, from 0.') }),
  label: Type.String(doc('The item as the gate showed it.')),
  ...ResultFields,
}, { additionalProperties: false, ...doc('The result of one item of a for_each step.') });

export const StepResultSchema = Type.Object({
  ...ResultFields,
  items: Type.Optional(Type.Array(ItemResultSchema, doc('A for_each step: one result per item it ran.'))),
  vars: Type.Optional(Type.Record(Type.String(), Type.Unknown(), doc('A vars step: the values it computed, by name (secrets masked).'))),
  outputs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), doc("A runbook step: the called runbook's declared outputs (secrets masked)."))),
}, { additionalProperties: false, ...doc('A step result, as expressions see it (masked).') });

const GateItemSchema = Type.Object({ label: Str, detail: Type.String(doc('What the step is given for this item (SQL params, shell arguments).')) },
  { additionalProperties: false });

const ManualAction = Type.Object({ kind: Type.Literal('manual'), instructions: Str, choices: Type.Optional(Type.Array(Str)) }, { additionalProperties: false });
const PromptAction = Type.Object({
  kind: Type.Literal('prompt'), message: Str, default: OptStr(), pattern: OptStr(),
  choices: Type.Optional(Type.Array(Str)), secret: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

/** The fields of each engine event (src/engine/events.ts), without the line's seq and ts. */
const EVENT_FIELDS = {
  'run-started': {
    runId: Str,
    runbook: Type.Object({ name: Str, title: Str, file: Str, sha256: Str }, { additionalProperties: false }),
    inputs: Type.Record(Type.String(), Type.Unknown(), doc('Input values; secrets masked as ****.')),
    target: OptStr('The database the run is about (password masked).'),
    dryRun: Type.Boolean(),
    resumedFrom: OptStr('Set when this run continued an interrupted one: the step it resumed at.'),
  },
  'step-started': {
    stepId: Str, title: Str, kind: literals(STEP_KINDS, 'Step kind.'), attempt: Type.Integer({ minimum: 1 }),
    command: OptStr('What ran, values filled in, secrets masked.'), destructive: Type.Boolean(),
    where: OptStr('A shell step that names a target: where it ran (`ssh db-1 [target db_host]`, or this machine and why).'),
    dryRun: Type.Optional(literals(['ran', 'sandboxed', 'shown'] as const, 'A dry run: ran for real (read-only SQL, probes), ran in the sandbox (shell), or only shown.')),
  },
  'step-process': {
    stepId: Str,
    pid: Type.Integer(doc('The step supervisor, leader of the step\'s process group.')),
    pgid: Type.Integer(doc('The step\'s process group: resume refuses while any process of it is alive.')),
    bootId: OptStr('The kernel boot the group ran in (a group id means nothing after a reboot).'),
    startTicks: Type.Optional(Type.Integer(doc('Start time of the leader, in clock ticks since boot: a later process reusing the id is not the step\'s.'))),
  },
  'target-identified': {
    stepId: Type.String(doc('The step that first reached the target.')),
    connection: Type.String(doc('The connection name, or `$host` for the machine shell steps run on.')),
    target: Type.Object({
      engine: literals(['postgres', 'mysql', 'mariadb', 'host'] as const, 'What answered.'),
      host: Str, port: Type.Optional(Type.Integer()), database: OptStr(), user: OptStr(),
      server: Type.String(doc('The server\'s own identity (PostgreSQL system_identifier, MySQL server_uuid, MariaDB hostname/port/datadir, machine-id).')),
      weak: Type.Optional(Type.Boolean(doc('The identity could not be read; addresses stand in for it.'))),
    }, { additionalProperties: false }),
  },
  'already-ran': {
    stepId: Type.String(doc('A step that finished before the interruption (inside a called runbook: `call/inner`): not run again.')),
    status: literals(['ok', 'failed', 'timeout', 'aborted', 'skipped'] as const, 'Its recorded result.'),
  },
  'step-output': { stepId: Str, stream: literals(['stdout', 'stderr'] as const, 'Stream.'), chunk: Str },
  'step-finished': { stepId: Str, result: StepResultSchema, attempt: Type.Integer({ minimum: 1 }), willRetry: Type.Optional(Type.Boolean()) },
  'step-skipped': {
    stepId: Str, reason: literals(['condition', 'operator', 'dry-run'] as const, 'Why it did not run.'), detail: OptStr(),
    because: Type.Optional(literals(['destructive', 'no-sandbox', 'safe-because', 'remote'] as const, 'A dry run: why the step was only shown (remote: it runs on a target, where no sandbox can hold it).')),
    items: Type.Optional(Type.Array(GateItemSchema, doc('A for_each step in a dry run: the items a real run would act on.'))),
  },
  branch: {
    from: Str, to: Str, via: literals(['on', 'next', 'then', 'failure'] as const, 'Which kind of route.'),
    expression: OptStr('The `on` key or branch condition.'), value: Type.Optional(Type.Unknown()),
  },
  'confirmation-requested': {
    stepId: Str, title: Str, command: Str, target: OptStr(), description: OptStr(), blastRadius: OptStr(), question: Str,
    risk: literals(['normal', 'high'] as const, 'high: the answer is typed.'), resumed: Type.Boolean(doc('Asked again after a resume.')),
    connection: OptStr('SQL: the name of the connection.'),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), doc("Shell: the step's env: values, secrets masked."))),
    cwd: OptStr("Shell: the step's working directory."),
    timeout: OptStr("The step's time limit."),
    attempts: Type.Optional(Type.Integer({ minimum: 1, ...doc('How many runs of the action the one approval covers (retry.attempts).') })),
    covers: OptStr('In words: what the one approval covers (retries, wait polls, a called runbook).'),
    items: Type.Optional(Type.Array(GateItemSchema, doc('A for_each step: every item the approval covers.'))),
    itemsDone: Type.Optional(Type.Integer({ minimum: 0, ...doc('Items that had already run before a resume (not listed, not run again).') })),
  },
  'confirmation-answered': {
    stepId: Str, answer: literals(['yes', 'skip', 'abort'] as const, 'The answer.'), by: Str,
    how: literals(['key', 'typed', 'flag', 'dry-run'] as const, 'How it was given.'), waitedMs: Type.Number(),
  },
  'question-asked': { questionId: Str, question: Type.Object({ stepId: Str, action: Type.Union([ManualAction, PromptAction]) }, { additionalProperties: false }) },
  'question-answered': {
    questionId: Str, stepId: Str, answer: Str,
    how: Type.Optional(literals(['key', 'typed', 'stdin'] as const, 'How the answer came: a key (a choice), typed text, or a line on stdin (plain mode).')),
    waitedMs: Type.Optional(Type.Number(doc('From the question being asked to the answer.'))),
  },
  note: { text: Str, by: Str, stepId: OptStr() },
  'loop-started': {
    stepId: Str,
    items: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), label: Str, value: Type.Unknown() }, { additionalProperties: false }),
      doc('The list a for_each step acts on, fixed before it starts (for a destructive step, the list its gate showed).')),
  },
  'wait-polled': {
    stepId: Str, poll: Type.Integer({ minimum: 1, ...doc('Which poll of the wait step this was (1 is the first).') }),
    condition: Type.String(doc('The `until` expression, still false.')),
    last: Type.String(doc('What the poll saw, in one line (status, rows, last output line).')),
    nextInMs: Type.Number(doc('How long until the next poll.')),
    deadlineAt: Type.String(doc('When the wait gives up (UTC, ISO 8601): its `for`, or the run\'s deadline if sooner.')),
  },
  'item-finished': {
    stepId: Str, index: Type.Integer({ minimum: 0 }), label: Str,
    result: Type.Omit(StepResultSchema, ['items'], doc('The item\'s result; resume does not run a finished item again.')),
  },
  'run-finished': {
    outcome: literals(['resolved', 'escalate', 'failed', 'aborted', 'interrupted'] as const, 'How the run ended. interrupted: the terminal went away or the process was told to stop (SIGHUP, SIGTERM); `runbook resume` continues it.'), message: Str, stepId: OptStr(),
    durationMs: Type.Number(), steps: Type.Object({ ok: Type.Number(), failed: Type.Number(), skipped: Type.Number() }, { additionalProperties: false }),
  },
} satisfies Record<RunEvent['type'], TProperties>;

/** Lines the transcript adds around the engine's events. */
const RECORD_FIELDS = {
  header: {
    format: Type.Integer({ minimum: 1, ...doc('Transcript format version.') }),
    runbook: Type.Object({ name: Str, title: Str, file: Type.String(doc('Absolute path of the runbook when the run started.')), sha256: Str }, { additionalProperties: false }),
    engineVersion: Str,
    operator: Str,
    host: Str,
    pid: Type.Integer(doc('Process id of the run: resume refuses while it is still alive on this host.')),
    inputs: Type.Record(Type.String(), Type.Unknown(), doc('Input values; secrets masked as ****.')),
    target: OptStr(),
    argv: Type.Array(Str, doc('The command line, secrets masked.')),
  },
  resumed: {
    stepId: Type.String(doc('Where the run continues.')),
    phase: literals(['enter', 'route'] as const, 'enter: the step runs again; route: it had finished, only its branch is taken.'),
    operator: Str, host: Str, pid: Type.Integer(), engineVersion: Str,
    argv: Type.Array(Str),
    sha256: Type.String(doc('Of the runbook as it is now.')),
    forced: Type.Optional(Type.Object({ recordedSha256: Str, currentSha256: Str }, { additionalProperties: false, ...doc('--force: the runbook had changed since the run started.') })),
    tornLines: Type.Optional(Type.Integer({ minimum: 1, ...doc('The interruption left a partly written last line (skipped by readers; its seq is not reused).') })),
  },
  'output-dropped': {
    stepId: Str, attempt: Type.Integer({ minimum: 1 }),
    recordedBytes: Type.Integer({ minimum: 0 }), droppedBytes: Type.Integer({ minimum: 1 }), limitBytes: Type.Integer({ minimum: 1 }),
  },
} satisfies Record<string, TProperties>;

function lineOf<K extends string, P extends TProperties>(type: K, fields: P, withMeta: true): TObject<{ type: TLiteral<K> } & typeof Meta & P>;
function lineOf<K extends string, P extends TProperties>(type: K, fields: P, withMeta: false): TObject<{ type: TLiteral<K> } & P>;
function lineOf(type: string, fields: TProperties, withMeta: boolean): TObject {
  return Type.Object({ type: Type.Literal(type), ...(withMeta ? Meta : {}), ...fields }, { additionalProperties: false, title: type });
}

type EventType = keyof typeof EVENT_FIELDS;
type FieldsOf<K extends EventType> = Extract<(typeof EVENT_FIELDS)[K], TProperties>;
type EventSchemas = { [K in EventType]: TObject<{ type: TLiteral<K> } & FieldsOf<K>> };
type EventLineSchemas = { [K in EventType]: TObject<{ type: TLiteral<K> } & typeof Meta & FieldsOf<K>> };

const eventTypes = Object.keys(EVENT_FIELDS) as EventType[];
const build = <M extends boolean>(withMeta: M) =>
  Object.fromEntries(eventTypes.map((t) => [t, lineOf(t, EVENT_FIELDS[t], withMeta as never)]));
const eventSchemas = build(false) as unknown as EventSchemas;
const eventLineSchemas = build(true) as unknown as EventLineSchemas;

export const RunEventSchema = Type.Union(eventTypes.map((t) => eventSchemas[t]) as EventSchemas[EventType][]);
export const HeaderLine = lineOf('header', RECORD_FIELDS.header, true);
export const ResumedLine = lineOf('resumed', RECORD_FIELDS.resumed, true);
export const OutputDroppedLine = lineOf('output-dropped', RECORD_FIELDS['output-dropped'], true);
export const EventLine = Type.Union(eventTypes.map((t) => eventLineSchemas[t]) as EventLineSchemas[EventType][]);

export const TranscriptLine = Type.Union([HeaderLine, ResumedLine, OutputDroppedLine, ...EventLine.anyOf], {
  title: 'runbook transcript line',
  ...doc('One line of a runbook transcript (JSONL). The first line is the header; `resumed` marks where an interrupted run continued.'),
});

export type HeaderLine = Static<typeof HeaderLine>;
export type ResumedLine = Static<typeof ResumedLine>;
export type OutputDroppedLine = Static<typeof OutputDroppedLine>;
export type EventLine = Static<typeof EventLine>;
export type TranscriptLine = Static<typeof TranscriptLine>;
export type LineMeta = Static<TObject<typeof Meta>>;
export type EventLineOf<T extends EventLine['type']> = Extract<EventLine, { type: T }>;

export const EVENT_TYPES: readonly string[] = eventTypes;

// Fails to compile when the schema and the engine's events drift apart, in either direction.
// Key lists are compared too: mutual assignability alone would let an optional field go missing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaEvent = Static<typeof RunEventSchema>;
type KeysMatch = { [K in RunEvent['type']]: Same<keyof Extract<RunEvent, { type: K }>, keyof Extract<SchemaEvent, { type: K }>> }[RunEvent['type']];
const inStep: [Same<SchemaEvent, RunEvent>, Same<KeysMatch, true>, Same<keyof StepResult, keyof Static<typeof StepResultSchema>>] = [true, true, true];
void inStep;
