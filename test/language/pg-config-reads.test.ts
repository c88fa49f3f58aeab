// pg_roles.rolconfig and pg_user.useconfig hold each role's own settings (`ALTER ROLE r SET app.tok = …`), shown
// to every role: a read that can return them is a step given a secret (language/sql/pg-setting-reads.ts). The
// rule's first form counted any `*` and any one-word name equal to an alias anywhere in the statement, and the
// built-in auth runbook's pg_hba step (a CTE's `r.*`, a boolean column `m` beside an EXISTS over `pg_roles m`)
// became a step given a secret: every value it returned masked on the screen. Names are scoped as the server
// scopes them now; the built-ins' reads of pg_roles stay shown.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { pgSettingRead } from '../../src/language/sql/pg-setting-reads.js';

const GIVEN = [
  'SELECT rolname, rolconfig FROM pg_roles', 'SELECT * FROM pg_roles', 'SELECT to_json(r) FROM pg_roles r', 'SELECT r.* FROM pg_roles r',
  'SELECT x FROM (SELECT * FROM pg_user) x', 'SELECT rolname FROM pg_roles r(a, b)', 'SELECT rolname FROM pg_roles NATURAL JOIN t',
  'SELECT (SELECT array_agg(r) FROM pg_roles r)', 'SELECT pg_roles FROM pg_roles', 'SELECT (r).rolname FROM pg_catalog.pg_roles r',
  'SELECT x.* FROM pg_roles x JOIN pg_stat_activity a ON a.usename = x.rolname', 'SELECT usename FROM pg_user WHERE useconfig IS NOT NULL',
  'SELECT 1 FROM pg_roles r WHERE EXISTS (SELECT r)',
];
const SHOWN = [
  'SELECT rolname FROM pg_roles', 'WITH r AS (SELECT rolname FROM pg_roles) SELECT r.*, 1 AS one FROM r',
  "SELECT m FROM (SELECT true AS m) x WHERE EXISTS (SELECT 1 FROM pg_roles m WHERE m.rolname = 'a')",
  'SELECT a.* FROM pg_roles x JOIN pg_stat_activity a ON a.usename = x.rolname', 'SELECT r FROM (SELECT rolname FROM pg_roles) r',
];

/** Every PostgreSQL statement of the built-in runbooks. */
function builtinStatements(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const q = o.query;
    if (typeof q === 'string') out.push(q);
    else if (q && typeof q === 'object' && typeof (q as { postgres?: unknown }).postgres === 'string') out.push((q as { postgres: string }).postgres);
    Object.values(o).forEach(walk);
  };
  const dir = join(import.meta.dirname, '..', '..', 'runbooks');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml'))) walk(load(readFileSync(join(dir, name), 'utf8')));
  return out;
}

describe('a read of a role\'s own settings, by the server\'s scoping', () => {
  it('reads that can return rolconfig or useconfig are given it', () => {
    assert.deepEqual(GIVEN.filter((q) => pgSettingRead(q) === undefined), []);
  });
  it('reads of their other columns, and of others\' rows and stars, are shown', () => {
    assert.deepEqual(SHOWN.filter((q) => pgSettingRead(q) !== undefined), []);
  });
  it('every built-in statement that reads pg_roles is shown', () => {
    const reads = builtinStatements().filter((q) => /pg_roles|pg_user\b/.test(q));
    assert.ok(reads.length >= 4, `${reads.length} built-in reads of pg_roles`);
    assert.deepEqual(reads.filter((q) => pgSettingRead(q) !== undefined), []);
  });
});
