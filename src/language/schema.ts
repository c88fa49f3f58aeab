// The runbook language, defined once. Static types, validation and the published JSON Schema
// (docs/runbook.schema.json, `runbook schema`) and the reference docs all derive from these definitions.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ENV_NAME_PATTERN } from './env-names.js';
import { Expression } from './expression-schema.js';
import { doc, Template } from './schema-doc.js';
import { Target } from './target-schema.js';

/** Top-level keys the runbook ignores: holders for YAML anchors that steps merge with `<<: *name`. */
export const HOLDER_KEY_PATTERN = '^x-';
export const STEP_ID_PATTERN = '^[a-z][a-z0-9_-]*$';
export const OUTCOMES = ['resolved', 'escalate', 'failed'] as const;
export const PROBES = ['dns', 'tcp', 'tls', 'db-connect', 'startup'] as const;
/** What kind of failure (or ok) a step saw; `on` branches on these names (the one list: common/classification.ts). */
export { CLASSIFICATIONS } from '../common/classification.js';
export { DockerTarget, KubectlTarget, SshTarget, Target } from './target-schema.js';

const StepId = Type.String({ pattern: STEP_ID_PATTERN, ...doc('A step id: lower case letters, digits, - and _.', ['check-usage']) });

export const Duration = Type.Union([
  Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$' }),
  Type.Number({ minimum: 0 }),
], doc('A duration: a number of seconds, or text such as 500ms, 30s, 5m, 1h.', ['60s', '5m', 30]));

export const Input = Type.Object({
  description: Type.Optional(Type.String(doc('What this input is; shown by `runbook show` and when prompting.'))),
  env: Type.Optional(Type.String(doc('Environment variable that supplies the value when no --input is given.', ['DATABASE_URL']))),
  default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()], doc('Value used when neither --input nor env gives one.'))),
  required: Type.Optional(Type.Boolean(doc('The run refuses to start without a value.'))),
  secret: Type.Optional(Type.Boolean(doc('Masked everywhere: UI, transcript, report, errors.'))),
  type: Type.Optional(Type.Union([Type.Literal('string'), Type.Literal('number'), Type.Literal('boolean'), Type.Literal('url')],
    doc('Checked before the run starts. Default string.'))),
  pattern: Type.Optional(Type.String(doc('A regular expression the value must match.'))),
}, { additionalProperties: false, ...doc('A value the runbook needs.') });

export const Application = Type.Object({
  url: Template('The URL the application itself connects with (its user, database, TLS settings and path: through its pooler or '
    + 'proxy when it uses one), as it stands when the run ends. Templates allowed.', ['${{ inputs.url }}']),
  // How long the application's logins must keep working at the end: a login every second for this long. Default 5s.
  hold: Type.Optional(Duration),
}, { additionalProperties: false, ...doc('The application\'s own connection. A run about to end `resolved` logs in with this URL '
  + '(login and SELECT 1) every second for `hold` (default 5s; 0: one login); any failure ends the run `escalate` instead, naming it, and a URL '
  + 'that cannot be told ends it `escalate` too. "Resolved" is what the application\'s connection does at the end, '
  + 'not what a step found earlier.', [{ url: '${{ inputs.url }}', hold: '5s' }]) });

export const Connection = Type.Object({
  url: Template('Connection URL; postgres:// or postgresql:// use pg, mysql:// or mariadb:// use mysql2. Templates allowed.',
    ['${{ inputs.url }}']),
  description: Type.Optional(Type.String(doc('What this database is, for people reading the runbook.'))),
}, { additionalProperties: false, ...doc('A named database connection, opened lazily and reused by later steps.') });

/** SQL text, either one statement for every engine or one per engine. */
export const SqlText = Type.Union([
  Type.String(),
  Type.Object({
    postgres: Type.Optional(Type.String(doc('Query used on PostgreSQL.'))),
    mysql: Type.Optional(Type.String(doc('Query used on MySQL and MariaDB.'))),
  }, { additionalProperties: false }),
], doc('SQL text, or {postgres, mysql} when the engines need different SQL. Use $1, $2 (PostgreSQL) or ? (MySQL) for params.'));

export const SqlAction = Type.Object({
  connection: Type.Optional(Type.String(doc('Name of a connection under `connections`; optional when there is only one.'))),
  query: SqlText,
  params: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    doc('Bound parameters; templates allowed. Values are never spliced into the SQL text.'))),
}, { additionalProperties: false, ...doc('Run SQL. Steps not marked destructive run in a read-only transaction.') });

export const ShellAction = Type.Union([
  Type.String(),
  Type.Object({
    run: Type.String(doc('The bash script.')),
    env: Type.Optional(Type.Record(Type.String({ pattern: ENV_NAME_PATTERN }), Type.String(doc('Value of the variable; templates allowed.')),
      { additionalProperties: false, ...doc('Extra environment variables (names: letters, digits and _); templates allowed.', [{ PGCONNECT_TIMEOUT: '5' }]) })),
    cwd: Type.Optional(Type.String(doc('Working directory of the script; templates allowed.', ['/var/lib/postgresql']))),
  }, { additionalProperties: false }),
], doc('A bash script. Each `${{ }}` becomes a quoted reference to a shell variable whose value arrives on the script\'s stdin: never spliced into the script text, never on a command line.',
  ['systemctl status ${{ inputs.service }}']));

export const ProbeAction = Type.Union(PROBES.map((p) => Type.Literal(p)), doc('A built-in check.', ['db-connect']));

export const ProbeArgs = Type.Object({
  connection: Type.Optional(Type.String(doc('Take host, port and TLS settings from this connection.'))),
  url: Type.Optional(Template('A connection URL to probe instead of a named connection.')),
  host: Type.Optional(Template('Host name or address.')),
  port: Type.Optional(Type.Union([Type.Number(), Type.String()], doc('A port number, or a template giving one; overrides the URL\'s port.', [5432]))),
  timeout: Type.Optional(Duration),
  servername: Type.Optional(Template('TLS server name to verify (tls probe).')),
  parameter: Type.Optional(Template('startup probe: one more startup parameter to send besides JDBC\'s, `name` or `name=value`.', ['extra_float_digits'])),
}, { additionalProperties: false, ...doc('Arguments of a probe.') });

export const ManualAction = Type.Union([
  Type.String(),
  Type.Object({
    instructions: Type.String(doc('Markdown shown to the operator.')),
    choices: Type.Optional(Type.Array(Type.String(), doc('Answers the operator picks from; branch on them with `on`.', [['fixed', 'not-fixed']]))),
  }, { additionalProperties: false }),
], doc('Instructions the operator carries out by hand; the step waits for "done" or a choice.'));

export const PromptAction = Type.Object({
  message: Type.String(doc('The question.')),
  default: Type.Optional(Type.String(doc('The answer used when the operator just presses Enter.'))),
  pattern: Type.Optional(Type.String(doc('A regular expression the whole answer must match.', ['^[0-9]+$']))),
  expected: Type.Optional(Type.String(doc('What a valid answer looks like, in words; told to the operator whose answer does not '
    + 'match `pattern` (default: the pattern read out, e.g. "a whole number (digits only)").', ['a ticket id such as INC-1234']))),
  choices: Type.Optional(Type.Array(Type.String(), doc('The only answers accepted; branch on them with `on`.', [['primary', 'replica']]))),
  secret: Type.Optional(Type.Boolean(doc('Masked like a secret input.'))),
}, { additionalProperties: false, ...doc('Ask the operator for a value; the answer is the step result `value`.') });

export const WaitAction = Type.Object({
  until: Expression(doc('Expression over `result` (the last poll) that ends the wait when true.', ['result.rows[0].used < 80'])),
  every: Type.Optional(Duration),
  for: Type.Optional(Duration),
  sql: Type.Optional(SqlAction),
  shell: Type.Optional(ShellAction),
  probe: Type.Optional(ProbeAction),
  with: Type.Optional(ProbeArgs),
}, { additionalProperties: false, ...doc('Poll a sql, shell or probe action every `every` until `until` holds or `for` runs out.') });

export const RunbookCall = Type.Object({
  name: Type.String(doc('Name or path of the runbook to call.')),
  inputs: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()], doc('An input value; templates allowed in text.')),
    doc('Inputs of the called runbook, by name.', [{ url: '${{ inputs.url }}' }]))),
}, { additionalProperties: false, ...doc('Run another runbook; branch on its outcome with `on`.') });

export const Branch = Type.Object({
  if: Type.Optional(Expression(doc('Condition; the first branch whose condition holds (or that has none) is taken.'))),
  goto: StepId,
}, { additionalProperties: false, ...doc('One branch: go to `goto` when `if` holds, or always when there is no `if`.') });

export const Retry = Type.Object({
  attempts: Type.Integer({ minimum: 1, maximum: 100, ...doc('Total attempts, including the first.') }),
  backoff: Type.Optional(Duration),
  on: Type.Optional(Type.Array(Type.String(), doc('Retry only on these classifications (default: any failure).', [['timeout', 'refused']]))),
}, { additionalProperties: false, ...doc('Run the step again when it fails: how often, how long to wait between tries, on which failures.') });

export const DEFAULT_MAX_ITEMS = 100;
export const LOOP_VAR_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const ForEach = Type.Object({
  in: Expression(doc('Expression giving the list to go through: the rows of a capture, an input split into a list (split(inputs.hosts)), a literal list. '
    + 'Evaluated once, before the gate: a destructive step acts on exactly the items its gate listed.', ['idle.rows', "steps['idle-sessions'].rows"])),
  as: Type.Optional(Type.String({ pattern: LOOP_VAR_PATTERN,
    ...doc("Name of the current item in the step's shell, sql, with and `for_each.label` templates. Default item.", ['session']) })),
  label: Type.Optional(Template('One line naming an item at the gate, in the transcript and the report; templates over the item. '
    + "Default: the item's fields.", ['${{ session.id }} ${{ session.user }}@${{ session.client }}, idle ${{ session.idle_s }}s'])),
  max_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000,
    ...doc(`The most items the step may act on; a longer list fails the step before anything runs. Default ${DEFAULT_MAX_ITEMS}.`) })),
}, { additionalProperties: false, ...doc('Run the step once per item of a list (shell, sql and probe steps). A destructive for_each has one gate listing every item.') });

export const VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export const Vars = Type.Record(Type.String({ pattern: VAR_NAME_PATTERN }),
  Expression(doc('An expression; it may read the names defined before it in the same step as vars.<name>.', ["round(number(usage.output) / 1024, 1)"])),
  { additionalProperties: false, ...doc('Named values computed once, in order, when the step runs; later steps read them as vars.<name>. '
    + 'Names are letters, digits and _, each defined by one vars step.', [{ used_gb: 'round(number(usage.output) / 1024, 1)', full: 'vars.used_gb > 90' }]) });

/** Four eyes: a teammate approves through the team store (docs/team.md). On a step, or for every destructive step of a runbook. */
export const Approval = Type.Object({
  by: Type.Literal('another-person', doc('Who must approve: a teammate, never the run\'s own operator or driver.')),
}, { additionalProperties: false, ...doc('Four eyes. The gate waits for a teammate\'s `runbook approve <run-id> <step-id>` '
  + '(or `--deny`) through the team store; the database says who approved and refuses the operator. Store down: the gate keeps '
  + 'trying, or the driver records `--break-glass "<reason>"`. See docs/team.md.', [{ by: 'another-person' }]) });

/** Fields every step may carry. */
const StepCommon = {
  id: StepId,
  title: Type.Optional(Template('Short title; templates allowed.')),
  description: Type.Optional(Type.String(doc('Why this step exists and what its result means; shown to the operator.'))),
  destructive: Type.Optional(Type.Boolean(doc('Stops for the operator to confirm before it runs.'))),
  safe_because: Type.Optional(Type.String(doc('With `destructive: false`: why a step that looks dangerous is not.'))),
  risk: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('high')],
    doc('high: the operator types the step id to confirm instead of pressing y.'))),
  confirm: Type.Optional(Template('The question asked before a destructive step.')),
  blast_radius: Type.Optional(Template('What the step affects, shown at the gate.', ['terminates ${{ idle.rowCount }} sessions'])),
  approval: Type.Optional(Type.Union([Approval, Type.Literal(false, doc('This step needs no second person, though the runbook\'s `approval:` asks one for every destructive step.'))],
    doc('Destructive steps: four eyes. `{ by: another-person }`: the gate waits for a teammate\'s `runbook approve <run-id> <step-id>` (or `--deny`) '
      + 'through the team store; the database says who approved and refuses the operator; store down, the gate keeps trying, or the driver records '
      + '`--break-glass "<reason>"`. `false`: this step is left out of the runbook\'s `approval:`. See docs/team.md.', [{ by: 'another-person' }, false]))),
  evidence: Type.Optional(Type.Array(StepId, { minItems: 1, ...doc('Destructive steps: the earlier steps whose results this step acts on; '
    + 'the gate shows them beside the question. Default: the steps whose captures the step\'s SQL params, script or for_each read.', [['find-blockers']]) })),
  timeout: Type.Optional(Duration),
  retry: Type.Optional(Retry),
  max_visits: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000,
    ...doc('How often the run may enter this step before it stops as failed (bounds loops). Default 25.') })),
  capture: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', ...doc('Name under which later steps read this result.') })),
  secret: Type.Optional(Type.Boolean(doc('The step\'s result is a secret from the moment it exists: its output, value and row values are '
    + 'masked wherever they are shown or recorded (output is not streamed), while later steps use the real values '
    + '(a URL fetched from a vault, used as a connection URL).'))),
  if: Type.Optional(Expression(doc('Run only when this holds; otherwise the step is skipped. On an end step: end only when it holds, else go on to the following step.'))),
  target: Type.Optional(Type.String(doc('Shell steps (and waits polling shell): the name of a target under `targets` to run on. Default: this machine.', ['db_host']))),
  for_each: Type.Optional(ForEach),
  next: Type.Optional(Type.Union([StepId, Type.Array(Branch)], doc('Where to go after the step: a step id or a list of branches.'))),
  on: Type.Optional(Type.Record(Type.String(), StepId,
    doc('Branch on the result: a classification (refused, auth, …), a choice, or ok / error / timeout / skipped.'))),
};

/** Exactly one of these keys says what a step does. */
const StepActions = {
  shell: Type.Optional(ShellAction),
  sql: Type.Optional(SqlAction),
  probe: Type.Optional(ProbeAction),
  with: Type.Optional(ProbeArgs),
  manual: Type.Optional(ManualAction),
  prompt: Type.Optional(PromptAction),
  wait: Type.Optional(WaitAction),
  runbook: Type.Optional(RunbookCall),
  vars: Type.Optional(Vars),
  end: Type.Optional(Type.Union(OUTCOMES.map((o) => Type.Literal(o)), doc('Ends the run with this outcome.'))),
  message: Type.Optional(Template('With `end`: what was found; shown and recorded.')),
};

export const STEP_KINDS = ['shell', 'sql', 'probe', 'manual', 'prompt', 'wait', 'runbook', 'vars', 'end'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const Step = Type.Object({ ...StepCommon, ...StepActions }, {
  additionalProperties: false,
  // Editors see the one-kind rule; the validator reports it with a friendlier message.
  oneOf: STEP_KINDS.map((k) => ({ required: [k] })),
  ...doc('One step. Exactly one of shell, sql, probe, manual, prompt, wait, runbook, vars, end.'),
});

export const Runbook = Type.Object({
  $schema: Type.Optional(Type.String(doc('The JSON Schema this file follows, for editors; runbook ignores it.'))),
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', ...doc('Name used on the command line.', ['pool-exhausted']) }),
  title: Type.String(doc('One line shown in lists and the UI header.')),
  summary: Type.Optional(Type.String(doc('When to use this runbook: the symptom.'))),
  description: Type.Optional(Type.String(doc('Longer notes for the people who maintain the runbook: background, links, owners.'))),
  tags: Type.Optional(Type.Array(Type.String(), doc('Free-form labels for grouping runbooks.', [['postgres', 'disk']]))),
  // additionalProperties: false, or a name that breaks the pattern would pass unchecked (a Record with a key
  // pattern only constrains the keys that match it).
  inputs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Input,
    { additionalProperties: false, ...doc('Values the runbook needs, by name (letters, digits, _); expressions read them as inputs.<name>.') })),
  connections: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }), Connection,
    { additionalProperties: false, ...doc('Databases the runbook talks to, by name (letters, digits, _ and -); SQL steps and probes refer to them.') })),
  application: Type.Optional(Application),
  targets: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' }), Target,
    { additionalProperties: false, ...doc('Where shell steps can run besides this machine, by name: SSH hosts, pods, containers.') })),
  approval: Type.Optional(Type.Object(Approval.properties, { additionalProperties: false, ...doc('Four eyes for every destructive step of this runbook: '
    + 'each one\'s gate waits for a teammate\'s approval through the team store, unless the step says `approval: false`. '
    + 'Steps of a runbook it calls follow that runbook\'s own setting. See docs/team.md.', [{ by: 'another-person' }]) })),
  steps: Type.Array(Step, { minItems: 1, ...doc('Steps run in order unless next / on branch.') }),
  outputs: Type.Optional(Type.Record(Type.String({ pattern: VAR_NAME_PATTERN }),
    Expression(doc('An expression, evaluated when the runbook ends.', ['steps.check.output'])),
    { additionalProperties: false, ...doc('Values this runbook hands to a runbook that calls it, by name (letters, digits, _): each expression is '
      + 'evaluated when the run ends, and the caller reads it as steps.<call>.outputs.<name>.', [{ blockers: 'length(sessions.rows)' }]) })),
}, {
  additionalProperties: false,
  // Holder keys for YAML anchors (`x-defaults: &shell {…}` then `<<: *shell`); the runbook ignores them.
  patternProperties: { [HOLDER_KEY_PATTERN]: doc('Holds YAML anchors for steps to merge (`x-defaults: { quick: &quick { timeout: 10s } }`, then `<<: *quick` in a step); ignored by the runbook.') },
  ...doc('An incident runbook: its inputs, connections, targets and the steps to run. Top-level keys starting with x- hold YAML anchors for reuse and are ignored.'),
  title: 'runbook',
});

export type RunbookDoc = Static<typeof Runbook>;
export type StepDoc = Static<typeof Step>;
export type InputDoc = Static<typeof Input>;
export type ConnectionDoc = Static<typeof Connection>;
export type TargetDoc = Static<typeof Target>;
export type SqlActionDoc = Static<typeof SqlAction>;
export type ShellActionDoc = Static<typeof ShellAction>;
export type ProbeArgsDoc = Static<typeof ProbeArgs>;
export type ProbeName = (typeof PROBES)[number];
export type ManualActionDoc = Static<typeof ManualAction>;
export type PromptActionDoc = Static<typeof PromptAction>;
export type WaitActionDoc = Static<typeof WaitAction>;
export type RunbookCallDoc = Static<typeof RunbookCall>;
export type BranchDoc = Static<typeof Branch>;
export type VarsDoc = Static<typeof Vars>;
export type RetryDoc = Static<typeof Retry>;
export type ForEachDoc = Static<typeof ForEach>;
export type Outcome = (typeof OUTCOMES)[number];
export type DurationDoc = Static<typeof Duration>;
export type SchemaNode = TSchema;
