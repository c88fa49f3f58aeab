import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchema } from '../../language/json-schema.js';
import { UserError } from '../../common/errors.js';

export async function newCommand(name: string, opts: { dir: string; force?: boolean }): Promise<number> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new UserError(`'${name}' is not a runbook name: use lower case letters, digits, - and _`);
  const file = join(opts.dir, `${name}.yaml`);
  if (existsSync(file) && !opts.force) throw new UserError(`${file} already exists (use --force to overwrite)`);
  mkdirSync(opts.dir, { recursive: true });
  // The editor reads the schema from beside the runbook: no network, and always this version's schema.
  const schemaFile = join(opts.dir, 'runbook.schema.json');
  writeFileSync(schemaFile, `${JSON.stringify(publishedSchema(), null, 2)}\n`);
  writeFileSync(file, skeleton(name));
  process.stdout.write(`Wrote ${file} (and ${schemaFile} for editor completion; see docs/editor.md)\n` +
    `Next: edit it, then \`runbook validate ${file}\` and \`runbook run ${file} --dry-run\`.\n`);
  return 0;
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
  - id: done
    end: resolved
    message: Fixed; \${{ sessions.rows[0].sessions }} sessions were open before.
  - id: escalate
    end: escalate
    message: "Cannot connect: \${{ steps.connect.classification }}. Page the database owner."
`;
}
