// The pin's message is lexed by the server under the session's settings as they are before the pin (any
// standard_conforming_strings, any client encoding): it must read the same under all of them. So, for any text
// (random relation names with quotes, backslashes, dollars and non-ASCII characters), it is ASCII, holds no
// backslash, and every string literal in it is one PostgreSQL's own parser reads whole.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pinPlan } from '../../src/db/pg-pin.js';
import { relationsPlan } from '../../src/db/pg-pin-relations.js';
import { pgRelations } from '../../src/language/sql/pg-references.js';
import { parsePg } from '../../src/language/sql/pg-parser.js';

const ALPHABET = ['a', 'Z', '_', '1', '"', "'", '\\', '$', ' ', ';', '-', '/', '*', 'é', 'ぁ', '中', '\u00a0', '😀'];
function randomName(seed: number): string {
  let x = seed * 2654435761 % 2 ** 32;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: 1 + (next() % 12) }, () => ALPHABET[next() % ALPHABET.length]).join('');
}
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

it('names every relation a text reads, qualified or not, from views, joins, subqueries and CTEs', () => {
  const rels = pgRelations('WITH c AS (SELECT 1 FROM s.a) SELECT * FROM b JOIN "Q""x".c ON true WHERE EXISTS (SELECT 1 FROM d)');
  assert.deepEqual(rels?.map((r) => r.join('.')).sort(), ['Q"x.c', 'b', 'd', 's.a'].sort());
});

it('the pin message is ASCII, holds no backslash and parses whole, whatever the relation names (500 generated)', () => {
  for (let i = 1; i <= 500; i++) {
    const a = randomName(i), b = randomName(i + 1000);
    const text = `SELECT t.${quoted(b)}, (t).${quoted(a)} FROM ${quoted(a)} JOIN ${quoted(b)}.${quoted(a)} t ON true`;
    assert.deepEqual(pgRelations(text), [[a], [b, a]], text);
    const plan = pinPlan(text, ['SET LOCAL statement_timeout = 5000']);
    assert.ok(plan.at.resolved !== undefined && plan.at.attributes !== undefined);
    assert.match(plan.message, /^[\x20-\x7e\n]*$/, `ASCII only: ${text}`);
    assert.ok(!plan.message.includes('\\'), `no backslash: ${text}`);
    const parsed = parsePg([plan.message])[0]!;
    assert.ok(!('error' in parsed), `parses: ${'error' in parsed ? parsed.error : ''}`);
    assert.equal(parsed.tree.stmts?.length, plan.at.attributes + 3, 'BEGIN, the SETs, the path, the read-back, the planted-objects, relations and attribute checks, the planner set back');
    // The second message, after the pin: the names as the server spelled them, locked and checked.
    const found = [{ named: [a], oid: '16390', kind: 'v', schema: b, name: a }, { named: [b, a], oid: '16391', kind: 'r', schema: b, name: a }];
    const second = relationsPlan(found);
    const again = parsePg([second.message])[0]!;
    assert.ok(!('error' in again), `the second message parses: ${'error' in again ? again.error : ''}`);
    assert.equal(again.tree.stmts?.length, second.at.count + 3, 'planner off, the lock, resolved again, the code, what is watched, the count, planner back');
    const lock = again.tree.stmts![2]!.stmt as { LockStmt?: { relations: { RangeVar: { schemaname: string; relname: string } }[] } };
    assert.deepEqual(lock.LockStmt?.relations.map((r) => [r.RangeVar.schemaname, r.RangeVar.relname]), [[b, a]], 'one lock per relation, the names as they are');
  }
});
