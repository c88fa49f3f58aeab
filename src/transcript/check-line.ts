// A loose check of one parsed line: the fields readers rely on are there and of the right type. Unknown
// fields are fine, and so are unknown line types (a newer writer); the strict check is the JSON Schema.
type Kind = 'string' | 'number' | 'boolean' | 'object';

const REQUIRED: Record<string, Record<string, Kind>> = {
  header: { format: 'number', runbook: 'object', inputs: 'object', operator: 'string', host: 'string', engineVersion: 'string' },
  resumed: { stepId: 'string', phase: 'string', operator: 'string', sha256: 'string' },
  'output-dropped': { stepId: 'string', droppedBytes: 'number' },
  'run-started': { runId: 'string', runbook: 'object', inputs: 'object', dryRun: 'boolean' },
  'step-started': { stepId: 'string', title: 'string', kind: 'string', attempt: 'number', destructive: 'boolean' },
  'already-ran': { stepId: 'string', status: 'string' },
  'step-process': { stepId: 'string', pgid: 'number' },
  'target-identified': { stepId: 'string', connection: 'string', target: 'object' },
  'step-session': { stepId: 'string', connection: 'string', session: 'object' },
  'connection-addresses': { connections: 'object' },
  'called-runbook': { stepId: 'string', runbook: 'object' },
  'step-output': { stepId: 'string', stream: 'string', chunk: 'string' },
  'step-finished': { stepId: 'string', result: 'object', attempt: 'number' },
  'step-skipped': { stepId: 'string', reason: 'string' },
  branch: { from: 'string', to: 'string', via: 'string' },
  'confirmation-requested': { stepId: 'string', command: 'string', question: 'string' },
  'confirmation-answered': { stepId: 'string', answer: 'string', by: 'string', how: 'string', waitedMs: 'number' },
  'question-asked': { questionId: 'string', question: 'object' },
  'question-answered': { questionId: 'string', stepId: 'string', answer: 'string' },
  note: { text: 'string', by: 'string' },
  'application-check': { holdMs: 'number', everyMs: 'number' },
  'run-finished': { outcome: 'string', message: 'string', durationMs: 'number', steps: 'object' },
};

const RUNBOOK_FIELDS = ['name', 'title', 'file', 'sha256'] as const;

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** undefined when the line is usable, else why not. */
export function checkLine(value: unknown): string | undefined {
  if (kindOf(value) !== 'object') return 'not a JSON object';
  const line = value as Record<string, unknown>;
  if (typeof line.type !== 'string') return 'no type';
  if (typeof line.seq !== 'number' || typeof line.ts !== 'string') return `${line.type}: no seq or ts`;
  for (const [field, kind] of Object.entries(REQUIRED[line.type] ?? {})) {
    if (kindOf(line[field]) !== kind) return `${line.type}: ${field} should be a ${kind}`;
  }
  if (line.type === 'step-finished' && typeof (line.result as { status?: unknown }).status !== 'string') return 'step-finished: result has no status';
  // What every reader shows of the runbook (report, replay, resume): a header without it is no header.
  if (line.type === 'header') {
    const runbook = line.runbook as Record<string, unknown>;
    for (const field of RUNBOOK_FIELDS) if (typeof runbook[field] !== 'string') return `header: runbook.${field} should be a string`;
  }
  return undefined;
}
