// Every SQL text of a step that is not destructive in the built-in runbooks and the examples, per engine:
// the corpus the read-only tests run (sql-builtin-reads.test.ts, sql-session-settings-{15,18}-{path,quoting}.test.ts).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRunbook } from '../../src/language/runbook.js';
import type { SqlActionDoc } from '../../src/language/schema.js';
import type { SqlEngine } from '../../src/language/sql/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Read { where: string; engine: SqlEngine; query: string; params: string[]; console: boolean }

/** Every SQL text of a step that is not destructive, per engine, with its params' templates. */
export function builtinReads(): Read[] {
  const out: Read[] = [];
  for (const dir of ['runbooks', 'runbooks/examples']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.yaml') && !n.endsWith('.cases.yaml'))) {
      const { runbook, diagnostics } = readRunbook(join(ROOT, dir, f));
      assert.ok(runbook, `${f}: ${diagnostics.map((d) => d.message).join('; ')}`);
      for (const step of runbook.doc.steps) {
        if (step.destructive === true) continue;
        for (const sql of [step.sql, step.wait?.sql].filter((s): s is SqlActionDoc => s !== undefined)) {
          const params = (sql.params ?? []).map(String);
          const texts: [SqlEngine, string | undefined][] = typeof sql.query === 'string'
            ? [['postgres', sql.query]] // the examples' plain-string queries are PostgreSQL's
            : [['postgres', sql.query.postgres], ['mysql', sql.query.mysql]];
          // pool-exhausted's connection 'pooler' is PgBouncer's admin console: SHOW commands, run against a real PgBouncer below.
          const console = sql.connection === 'pooler';
          for (const [engine, query] of texts) if (query !== undefined) out.push({ where: `${f} ${step.id} (${engine})`, engine, query, params, console });
        }
      }
    }
  }
  return out;
}
