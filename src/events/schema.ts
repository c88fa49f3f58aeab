// The transcript format, defined once: one JSON object per line. The published JSON Schema
// (docs/transcript.schema.json), the line types the writer and reader use, and which fields masking keeps
// (events/mask.ts, which the engine applies to every event it publishes) derive from these definitions. Below
// the engine, which publishes these events: a compile-time check in engine/events.ts keeps the event lines in
// step with the engine's RunEvent union.
import { Type, type Static, type TLiteral, type TObject, type TProperties } from '@sinclair/typebox';
import { STEP_KINDS } from '../language/schema.js';
import { CLASSIFICATIONS, STEP_STATUSES } from '../common/classification.js';

/** Bumped when a change would make an older reader misread a transcript (new fields are not such a change). */
export const FORMAT_VERSION = 1;

const doc = (description: string) => ({ description });

/** Marks a string field that names or identifies rather than carries data (a step id, a time, a hash, who ran it):
 *  the redactor never masks it (events/mask.ts), so a secret that happens to be a short word cannot turn a
 *  step id, a column name or a timestamp into `****`. Enumerated fields (literals) and numbers are never masked
 *  either; every other string, and anything of type unknown, is data and is masked. Not part of the JSON Schema. */
export const STRUCTURAL: unique symbol = Symbol('structural');
const Id = (description?: string) => Type.String({ ...(description ? doc(description) : {}), [STRUCTURAL]: true });
/** A command as the gate, the start line and a dry run show it: masked where it was made, by where each value
 *  flowed (engine/render.ts, renderShown; and credentials written into it, engine/command-mask.ts), never again by
 *  value. By value, a secret equal to the author's own text (a capture the author's script printed) masked that
 *  text: the gate showed `ls /srv****` for `ls /srv && rm -rf /srv/data`, and y ran it (a probe of stop 67). */
const Shown = (description: string) => Type.String({ ...doc(description), [STRUCTURAL]: true });
const OptShown = (description: string) => Type.Optional(Shown(description));
const OptId = (description?: string) => Type.Optional(Id(description));
const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), doc(description));

const Meta = {
  seq: Type.Integer({ minimum: 0, ...doc('Position of the line in the transcript, from 0 (the header); never reused, also across resumes.') }),
  ts: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$', ...doc('When the line was written (UTC, ISO 8601).'), [STRUCTURAL]: true }),
};

const Str = Type.String();
const OptStr = (description?: string) => Type.Optional(Type.String(description ? doc(description) : {}));
const Anything = Type.Record(Type.String(), Type.Unknown());

const Classification = literals(CLASSIFICATIONS, 'What went wrong, as a scenario name.');

const Digest = Type.Object({
  bytes: Type.Optional(Type.Integer({ minimum: 0, ...doc('Written before stop 80 only: the size of what was withheld, which a step can make a function of its secret.') })),
  sha256: Type.Optional(Id('Written before stop 69 only: a plain hash of what the step printed, from which a short secret could be recovered.')),
}, { additionalProperties: false });
/** A step given a secret (secrets/step-taint.ts): what its code printed or returned is withheld, by where it flowed. */
const WithheldSchema = Type.Optional(Type.Object({
  because: Type.Array(Id(), doc("What the step was given that holds a secret: a template value (its expression), an env: variable, an SQL parameter, the working directory.")),
  stdout: Type.Optional(Digest), stderr: Type.Optional(Digest), error: Type.Optional(Digest), value: Type.Optional(Digest),
  rows: Type.Optional(Digest), outputs: Type.Optional(Digest),
}, {
  additionalProperties: false,
  ...doc('The step was given a secret, so everything its code or the server could print or choose from it is withheld: the result keeps its status and duration; its streams, error and value read ****; its exit code, signal, classification, rows, counts, column names and sizes are left out (a record written before stop 80 holds sizes here).'),
}));

const ResultFields = {
  status: literals(STEP_STATUSES, 'How the step ended.'),
  durationMs: Type.Number(),
  exitCode: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  signal: Type.Optional(Type.Union([Id(), Type.Null()])),
  stdout: OptStr('Bounded by the executor: head and tail, the middle elided.'),
  stderr: OptStr(),
  outputBytes: Type.Optional(Type.Number()),
  rows: Type.Optional(Type.Array(Anything, doc('The first rows, up to 10,000 rows and 1 MiB (as JSON); the rest are counted in rowsOmitted.'))),
  rowCount: Type.Optional(Type.Number(doc('Every row the statement returned (or, for a write without rows, affected).'))),
  rowsOmitted: Type.Optional(Type.Integer({ minimum: 1, ...doc('Rows returned but not kept (over the row or byte limit).') })),
  bytesOmitted: Type.Optional(Type.Integer({ minimum: 0, ...doc('About the JSON size of the rows not kept: measured for the first that did not fit, estimated from the cells (no serialising) for the rest.') })),
  columns: Type.Optional(Type.Array(Id(), doc('Column names: the keys of each row.'))),
  classification: Type.Optional(Classification),
  value: OptStr('Prompt answer or manual choice.'),
  error: OptStr('One line, secrets masked.'),
  details: Type.Optional(Anything),
  withheld: WithheldSchema,
  truncated: Type.Optional(Type.Object({
    fields: Type.Array(Id(), doc('The result fields left out of this record.')),
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

/** Where a run acts besides its connections (resume/place.ts): in the header, and in a resume with --retarget. */
const PLACE_FIELDS = {
    cwd: OptStr('The working directory the run started in: its relative paths and `cwd:` steps act there; a resume from another is refused unless --retarget.'),
    serverEnv: Type.Optional(Type.Record(Type.String(), Str, doc('Environment variables (and --env-file entries) that named a database server when the run started, without passwords: a resume where one names another server is refused unless --retarget.'))),
    envDigest: Type.Optional(Type.Object({
      salt: Str,
      digests: Type.Record(Type.String(), Str),
      key: Type.Optional(Id('The id of the record key the digests and the client files\' contents are HMACs with: kept on the machine for the user, never in a transcript, so a reader cannot test a guess of a value (none: plain sha256, before stop 69).')),
    }, { additionalProperties: false, ...doc('Every environment variable (and --env-file entry) a step may be given, but the operator\'s session (terminal, SSH link, locale), as a digest salted per run and keyed, never its value: a resume where one differs, is new or is gone is refused, naming it, unless --retarget.') })),
    inputPrints: Type.Optional(Type.Object({
      salt: Id('Random, per run (and per --retarget resume).'),
      key: Type.Optional(Id('The id of the record key the prints are HMACs with: kept on the machine for the user, never in a transcript, so a reader cannot test a guess of a value (none: unkeyed, before stop 72).')),
      prints: Type.Array(Type.Object({
        name: Id('The input.'),
        kdf: literals(['hmac-sha256', 'scrypt-n16384-r8-p1+hmac-sha256', 'sha256', 'scrypt-n16384-r8-p1'] as const, 'An HMAC under the record key; for a value the transcript masks (a secret), of its scrypt, so a guess costs as much even with the key. sha256 and scrypt alone: before stop 72.'),
        print: Id('Of the salt, the name and the value as JSON (a database URL without its password).'),
      }, { additionalProperties: false })),
    }, { additionalProperties: false, ...doc('Every input\'s value as the run resolved it, as a keyed fingerprint, never the value: a resume where one differs (`--input` over a recorded value, a secret typed again that is not the same), is given and was not, or is gone, is refused, naming it, unless --retarget.') })),
    clientFiles: Type.Optional(Type.Array(Type.Object({
      path: Id('A client configuration file that decides where a client connects (docs/transcript.md lists them), as the run\'s environment resolves it.'),
      content: Id('Its HMAC under the record key (sha256 before it), `missing`, why it was not read (`not a file`, `unreadable (CODE)`, too large), or `cannot compare: …` (a psqlrc line that runs a command or connects through a variable: a resume refuses it until --retarget).'),
    }, { additionalProperties: false }), doc('The client configuration files (libpq\'s service and password files, psql\'s startup files, the MySQL/MariaDB option files, ssh\'s and kubectl\'s config, /etc/hosts, a .env beside the runbook or in the working directory, and the files they include) by content: a resume where one changed is refused, naming it, unless --retarget.'))),
};

const AddressFields = {
  engine: literals(['postgres', 'mysql', 'mariadb'] as const, 'From the URL\'s scheme.'),
  host: Id('The host the URL names (or the Unix socket\'s path).'), port: Type.Optional(Type.Integer()),
  database: OptId('The database, as the URL (or PGDATABASE) names it.'), user: OptId('The user, as the URL (or PGUSER) names it.'),
};
const Address = Type.Object(AddressFields, { additionalProperties: false });

const OutputRef = Type.Object({ bytes: Type.Integer({ minimum: 0 }), sha256: Id() }, { additionalProperties: false });
const OutputRefsSchema = Type.Optional(Type.Object({ stdout: Type.Optional(OutputRef), stderr: Type.Optional(OutputRef) }, {
  additionalProperties: false,
  ...doc("The result's stdout/stderr, left out of it: they are the step's (or item's) step-output lines since it began, of this size and sha256. Readers put them back."),
}));

/** The fields of each engine event (src/engine/events.ts), without the line's seq and ts. */
const EVENT_FIELDS = {
  'run-started': {
    runId: Id(),
    runbook: Type.Object({ name: Id(), title: Str, file: Id(), sha256: Id() }, { additionalProperties: false }),
    inputs: Type.Record(Type.String(), Type.Unknown(), doc('Input values; secrets masked as ****.')),
    target: OptStr('The database the run is about (password masked).'),
    dryRun: Type.Boolean(),
    resumedFrom: OptId('Set when this run continued an interrupted one: the step it resumed at.'),
  },
  'step-started': {
    stepId: Id(), title: Str, kind: literals(STEP_KINDS, 'Step kind.'), attempt: Type.Integer({ minimum: 1 }),
    command: OptShown('What ran, values filled in, secrets masked.'), destructive: Type.Boolean(),
    where: OptStr('A shell step that names a target: where it ran (`ssh db-1 [target db_host]`, or this machine and why).'),
    writes: Type.Optional(Type.Boolean(doc('Given a secret and may write (not a proven read): from its start, a later read is given that secret unless the engine shows it reads nothing changed since (engine/written-secrets.ts); a resume keeps it.'))),
    dryRun: Type.Optional(literals(['ran', 'sandboxed', 'sandboxed-offline', 'shown'] as const, 'A dry run: ran for real (read-only SQL, probes), ran in the sandbox with the network (shell the lint proved to read only), ran in the sandbox offline (any other shell; only in transcripts written before #44, which shows such steps), or only shown.')),
  },
  'step-process': {
    stepId: Id(),
    pid: Type.Integer(doc('The step supervisor, leader of the step\'s process group.')),
    pgid: Type.Integer(doc('The step\'s process group: resume refuses while any process of it is alive.')),
    bootId: OptId('The kernel boot the group ran in (a group id means nothing after a reboot).'),
    startTicks: Type.Optional(Type.Integer(doc('Start time of the leader, in clock ticks since boot: a later process reusing the id is not the step\'s.'))),
  },
  'target-identified': {
    stepId: Id('The step that first reached the target.'),
    connection: Id('The connection name, or `$host` for the machine shell steps run on.'),
    // The identity a resume compares: masked, it would no longer match the server that answers then.
    target: Type.Object({
      engine: literals(['postgres', 'mysql', 'mariadb', 'host'] as const, 'What answered.'),
      host: Id(), port: Type.Optional(Type.Integer()), database: OptId(), user: OptId(),
      server: Id('The server\'s own identity (PostgreSQL system_identifier, MySQL server_uuid, MariaDB hostname/port/datadir, machine-id).'),
      weak: Type.Optional(Type.Boolean(doc('The identity could not be read; addresses stand in for it.'))),
      started: OptId('When the server started (epoch seconds), or the host\'s kernel boot (`boot <boot_id>`): a resume refuses a server restarted (a host rebooted) since, whose pids and connection ids name others.'),
    }, { additionalProperties: false }),
  },
  'step-session': {
    stepId: Id(),
    connection: Id('The connection name, as the step named it (inside a called runbook: that runbook\'s name for it).'),
    session: Type.Object({
      engine: literals(['postgres', 'mysql', 'mariadb'] as const, 'The server reached.'),
      backend: Type.Integer(doc('PostgreSQL backend pid; MySQL/MariaDB connection id.')),
      started: Id('PostgreSQL: when the backend started (epoch seconds); MySQL/MariaDB: when the server started (epoch seconds, ±1 s): an id alone is reused.'),
      server: Id('The server\'s own identity, as in target-identified: the session is looked for on that server only.'),
    }, { additionalProperties: false, ...doc('Written before a destructive statement is sent: a resume refuses (or, with --wait-for-orphans, waits) while this session still runs on the server.') }),
  },
  'connection-addresses': {
    calledFrom: OptId('A called runbook\'s connections: the calling step(s), `call` or `outer/inner`.'),
    connections: Type.Record(Type.String(), Address, doc('By connection name: where its URL leads as the run starts (connections whose URL needs a step\'s result are left out). A resume compares each with where it leads now.')),
  },
  'called-runbook': {
    stepId: Id('The calling `runbook:` step (inside a called runbook: `outer/inner`).'),
    runbook: Type.Object({ name: Id(), file: Id('Absolute path of the called runbook.'), sha256: Id() }, { additionalProperties: false,
      ...doc('The called runbook as its run started: a resume continuing inside it refuses a changed file unless --force.') }),
  },
  'already-ran': {
    stepId: Id('A step that finished before the interruption (inside a called runbook: `call/inner`): not run again.'),
    status: literals(STEP_STATUSES, 'Its recorded result.'),
  },
  'step-output': { stepId: Id(), stream: literals(['stdout', 'stderr'] as const, 'Stream.'), chunk: Str },
  'step-finished': {
    stepId: Id(), result: StepResultSchema, attempt: Type.Integer({ minimum: 1 }), willRetry: Type.Optional(Type.Boolean()),
    output: OutputRefsSchema,
    itemsOutput: Type.Optional(Type.Literal(true, doc("A for_each step: each item's stdout/stderr are left out of `result.items`; its item-finished line has them."))),
  },
  'step-skipped': {
    stepId: Id(), reason: literals(['condition', 'operator', 'dry-run'] as const, 'Why it did not run.'), detail: OptShown('A dry run: the command a real run would run, values filled in, secrets masked.'),
    because: Type.Optional(literals(['destructive', 'no-sandbox', 'safe-because', 'remote'] as const, 'A dry run: why the step was only shown (remote: it runs on a target, where no sandbox can hold it).')),
    items: Type.Optional(Type.Array(GateItemSchema, doc('A for_each step in a dry run: the items a real run would act on.'))),
  },
  branch: {
    from: Id(), to: Id(), via: literals(['on', 'next', 'then', 'failure'] as const, 'Which kind of route.'),
    expression: OptStr('The `on` key or branch condition.'), value: Type.Optional(Type.Unknown()),
  },
  'confirmation-requested': {
    stepId: Id(), title: Str, command: Shown('What will run, values filled in, secrets masked.'), target: OptStr(), description: OptStr(), blastRadius: OptStr(), question: Str,
    risk: literals(['normal', 'high'] as const, 'high: the answer is typed.'), resumed: Type.Boolean(doc('Asked again after a resume: the step was in flight when the run was interrupted.')),
    ranBefore: Type.Optional(Type.Boolean(doc('Asked after a resume because the step ran before the interruption and the resumed run reaches it again (a vouched step too).'))),
    connection: OptId('SQL: the name of the connection.'),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { ...doc("Shell: the step's env: values, secrets masked (by flow, as the command)."), [STRUCTURAL]: true })),
    envNotes: Type.Optional(Type.Array(Type.String(), doc("Shell: env values shown although their name looks like a credential's (a value is masked because it holds a secret, not for its name)."))),
    cwd: OptShown("Shell: the step's working directory, secrets masked (by flow, as the command)."),
    timeout: OptId("The step's time limit."),
    attempts: Type.Optional(Type.Integer({ minimum: 1, ...doc('How many runs of the action the one approval covers (retry.attempts).') })),
    covers: OptStr('In words: what the one approval covers (retries, wait polls, a called runbook).'),
    items: Type.Optional(Type.Array(GateItemSchema, doc('A for_each step: every item the approval covers.'))),
    itemsDone: Type.Optional(Type.Integer({ minimum: 0, ...doc('Items that had already run before a resume (not listed, not run again).') })),
    evidence: Type.Optional(Type.Array(Type.String(), doc('The earlier steps whose results the step acts on, shown beside the question.'))),
    approval: Type.Optional(Type.Object({ by: Type.Literal('another-person') }, { additionalProperties: false, ...doc('Four eyes: only a teammate\'s decision through the team store answers this gate.') })),
    gate: OptStr('Four eyes: this gate visit, `<visit>-<nonce>` (the step\'s gates opened by this process, counted, and a nonce made when it opened): a teammate\'s decision names it, and answers no other visit.'),
  },
  'confirmation-answered': {
    stepId: Id(), answer: literals(['yes', 'skip', 'abort'] as const, 'The answer.'), by: Id('Who answered.'),
    how: literals(['key', 'typed', 'flag', 'dry-run', 'four-eyes', 'break-glass'] as const, 'How it was given (four-eyes: a teammate\'s decision from the team store; break-glass: the driver\'s own, the store being down).'), waitedMs: Type.Number(),
    approver: OptId('Four eyes: the teammate who decided, as the store\'s database named them (their login role).'),
    decidedAt: OptStr('Four eyes: when the teammate decided (the store\'s clock).'),
    reason: OptStr('A denial\'s or a break-glass\'s reason.'),
    gate: OptStr('Four eyes: the gate visit the teammate\'s decision named.'),
  },
  'question-asked': { questionId: Id(), question: Type.Object({ stepId: Id(), action: Type.Union([ManualAction, PromptAction]) }, { additionalProperties: false }) },
  'question-answered': {
    questionId: Id(), stepId: Id(), answer: Str,
    how: Type.Optional(literals(['key', 'typed', 'stdin'] as const, 'How the answer came: a key (a choice), typed text, or a line on stdin (plain mode).')),
    waitedMs: Type.Optional(Type.Number(doc('From the question being asked to the answer.'))),
  },
  note: { text: Str, by: Id(), stepId: OptId() },
  'application-check': {
    holdMs: Type.Number(doc('How long the application\'s URL is checked before the run may end resolved (the runbook\'s `application.hold`).')),
    everyMs: Type.Number(doc('One login this often.')),
  },
  'loop-started': {
    stepId: Id(),
    items: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), label: Str, value: Type.Unknown() }, { additionalProperties: false }),
      doc('The list a for_each step acts on, fixed before it starts (for a destructive step, the list its gate showed).')),
  },
  'wait-polled': {
    stepId: Id(), poll: Type.Integer({ minimum: 1, ...doc('Which poll of the wait step this was (1 is the first).') }),
    condition: Type.String(doc('The `until` expression, still false.')),
    last: Type.String(doc('What the poll saw, in one line (status, rows, last output line).')),
    nextInMs: Type.Number(doc('How long until the next poll.')),
    deadlineAt: Id('When the wait gives up (UTC, ISO 8601): its `for`, or the run\'s deadline if sooner.'),
  },
  'item-finished': {
    stepId: Id(), index: Type.Integer({ minimum: 0 }), label: Str,
    result: Type.Omit(StepResultSchema, ['items'], doc('The item\'s result; resume does not run a finished item again.')),
    output: OutputRefsSchema,
  },
  'run-finished': {
    outcome: literals(['resolved', 'escalate', 'failed', 'aborted', 'interrupted'] as const, 'How the run ended. interrupted: the terminal went away or the process was told to stop (SIGHUP, SIGTERM); `runbook resume` continues it.'), message: Str, stepId: OptId(),
    durationMs: Type.Number(), steps: Type.Object({
      ok: Type.Number(), failed: Type.Number(), skipped: Type.Number(),
      shown: Type.Optional(Type.Number(doc('Steps a dry run only showed (not run, not counted ok); absent when none.'))),
    }, { additionalProperties: false }),
  },
} satisfies Record<string, TProperties>;

/** Lines the transcript adds around the engine's events. */
const RECORD_FIELDS = {
  header: {
    format: Type.Integer({ minimum: 1, ...doc('Transcript format version.') }),
    runId: OptId('The run this transcript records, the same in every copy of it: a resume refuses a copy the run went further than (per-user state directory), and two resumes of one run at once.'),
    runbook: Type.Object({ name: Id(), title: Str, file: Id('Absolute path of the runbook when the run started.'), sha256: Id() }, { additionalProperties: false }),
    calls: Type.Optional(Type.Array(Type.Object({
      file: Id('Absolute path of a called runbook.'), sha256: Id(),
      calledBy: Type.Array(Id(), doc('The `runbook:` steps that call it (inside a called runbook: `outer/inner`).')),
    }, { additionalProperties: false }), doc('Every runbook file the run may load below its own, at every depth, as it was when the run started: a resume refuses one that changed unless --accept-changed names it (or --force, or --retarget).'))),
    engineVersion: Id(),
    operator: Id('The OS user ($USER).'),
    storeRole: OptId('The team store role the run was driven as (the store URL\'s login): who the team knows; the OS user is a detail.'),
    host: Id(),
    pid: Type.Integer(doc('Process id of the run: resume refuses while it is still alive on this host.')),
    inputs: Type.Record(Type.String(), Type.Unknown(), doc('Input values; secrets masked as ****.')),
    target: OptStr(),
    argv: Type.Array(Str, doc('The command line, secrets masked.')),
    ...PLACE_FIELDS,
  },
  resumed: {
    stepId: Id('Where the run continues.'),
    phase: literals(['enter', 'route'] as const, 'enter: the step runs again; route: it had finished, only its branch is taken.'),
    operator: Id(), storeRole: OptId('The team store role the resume drives as.'), host: Id(), pid: Type.Integer(), engineVersion: Id(),
    argv: Type.Array(Str),
    sha256: Id('Of the runbook as it is now.'),
    forced: Type.Optional(Type.Object({ recordedSha256: Id(), currentSha256: Id() }, { additionalProperties: false, ...doc('--force: the runbook had changed since the run started.') })),
    retarget: Type.Optional(Type.Literal(true, doc('--retarget: the run continued on whatever its connections lead to now; the addresses and targets recorded after this line are the ones later resumes compare with.'))),
    ...PLACE_FIELDS, // with --retarget: the place the run continues in, which later resumes compare with
    tornLines: Type.Optional(Type.Integer({ minimum: 1, ...doc('The interruption left a partly written last line (skipped by readers; its seq is not reused).') })),
    accepted: Type.Optional(Type.Array(Type.Object({ file: Id(), recordedSha256: Id(), currentSha256: Id() }, { additionalProperties: false }),
      doc('--accept-changed (or --force, or --retarget): called runbook files that had changed since they were recorded, continued with as they are now; later resumes compare with these.'))),
  },
  'output-dropped': {
    stepId: Id(), attempt: Type.Integer({ minimum: 1 }),
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
