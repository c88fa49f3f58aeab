import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputFile } from '../write-output.js';
import { publishedSchema } from '../../language/json-schema.js';
import { CASES_SCHEMA_ID, publishedCasesSchema } from '../../testing/cases-schema.js';
import { UserError } from '../../common/errors.js';
import { sayRows } from '../say.js';

export async function newCommand(name: string, opts: { dir: string; force?: boolean }): Promise<number> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new UserError(`'${name}' is not a runbook name: use lower case letters, digits, - and _`);
  const file = join(opts.dir, `${name}.yaml`);
  if (existsSync(file) && !opts.force) throw new UserError(`${file} already exists (use --force to overwrite)`);
  mkdirSync(opts.dir, { recursive: true });
  // The editor reads the schema from beside the runbook: no network, and always this version's schema.
  // An earlier copy of our own schema is replaced (it may be an older version's); anything else needs --force.
  const schemaFile = join(opts.dir, 'runbook.schema.json');
  writeOutputFile(schemaFile, `${JSON.stringify(publishedSchema(), null, 2)}\n`, { force: opts.force === true || isOurSchema(schemaFile, publishedSchema().$id) });
  // And the cases schema, for the <name>.cases.yaml of `runbook test` beside it.
  const casesSchemaFile = join(opts.dir, 'runbook-cases.schema.json');
  writeOutputFile(casesSchemaFile, `${JSON.stringify(publishedCasesSchema(), null, 2)}\n`, { force: opts.force === true || isOurSchema(casesSchemaFile, CASES_SCHEMA_ID) });
  writeOutputFile(file, skeleton(name), { force: opts.force === true });
  // The directory is the operator's own text: a row each, whatever it holds.
  sayRows([`Wrote ${file} (and ${schemaFile}, ${casesSchemaFile} for editor completion; see docs/editor.md)`,
    `Next: edit it, then \`runbook validate ${file}\` and \`runbook run ${file} --dry-run\`.`]);
  return 0;
}

function isOurSchema(file: string, id: unknown): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { $id?: unknown }).$id === id;
  } catch {
    return false;
  }
}

function skeleton(name: string): string {
  return `# yaml-language-server: $schema=./runbook.schema.json
name: ${name}
title: ${name.replace(/[-_]/g, ' ')}
summary: The symptom that sends the operator here.
inputs:
  url:
    description: URL of the affected database
    env: DATABASE_URL
    secret: true
    required: true
connections:
  db: { url: "\${{ inputs.url }}" }
# The application's own connection: before the run ends resolved, it logs in with it every second for 5s.
application: { url: "\${{ inputs.url }}" }
steps:
  - id: connect
    title: Can we connect at all?
    description: Opens a real connection and classifies what goes wrong.
    probe: db-connect
    with: { connection: db }
    on: { ok: look, error: escalate }
  - id: look
    title: A read-only check
    description: Why this check matters and what its result means.
    sql:
      query:
        postgres: SELECT count(*)::int AS sessions FROM pg_stat_activity
        mysql: SELECT count(*) AS sessions FROM information_schema.processlist
    capture: sessions
  - id: fix
    title: The fix
    description: What this changes and why it is safe now.
    destructive: true
    confirm: Apply the fix?
    shell: echo "replace with the fix"
    on: { skipped: not-fixed }
  - id: done
    end: resolved
    message: Fixed; \${{ sessions.rows[0].sessions }} sessions were open before.
  - id: escalate
    end: escalate
    message: "Cannot connect: \${{ steps.connect.classification }}. Page the database owner."
  - id: not-fixed
    end: escalate
    message: The fix was skipped at its gate; \${{ sessions.rows[0].sessions }} sessions are open. Hand over to the database owner.
`;
}
