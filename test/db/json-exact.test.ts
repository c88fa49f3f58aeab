// json and jsonb integers beyond 53 bits (a probe of stop 72): node-postgres's JSON.parse read
// {"n": 9007199254740993} as …992, shown and routed on, where the server's ->> gives …993. Generated documents
// (fixed seed) are read through the engine and compared with the server's own text of each number.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseJsonExact } from '../../src/db/json-exact.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { runSteps, stepResult } from '../hardening/read-steps.js';
import { adminQuery } from './helpers.js';

function numbers(seed: number, count: number): string[] {
  let x = BigInt(seed);
  const next = () => (x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 64n));
  return Array.from({ length: count }, (_, i) => {
    const digits = Number(next() % 22n) + 1;
    const n = (next() % 10n ** BigInt(digits)).toString();
    return i % 3 === 0 ? `-${n}` : i % 5 === 0 ? `${n}.25` : n;
  });
}

describe('json and jsonb numbers read exactly', () => {
  it('parseJsonExact: unsafe integers as their digits, strings and other numbers as JSON.parse reads them', () => {
    const nums = numbers(72, 300);
    const doc = `{"a": [${nums.join(', ')}], "s": "9007199254740993 \\" 12345678901234567890", "e": 1e400, "d": 0.1}`;
    const read = parseJsonExact(doc) as { a: unknown[]; s: string; e: number; d: number };
    nums.forEach((n, i) => {
      const want = /^-?\d+$/.test(n) && !Number.isSafeInteger(Number(n)) ? n : Number(n);
      assert.deepEqual(read.a[i], want, n);
    });
    assert.equal(read.s, '9007199254740993 " 12345678901234567890');
    assert.equal(read.e, Infinity);
    assert.equal(read.d, 0.1);
  });

  describe('through a real PostgreSQL read', () => {
    let server: LabServer;
    before(async () => { server = await startPostgres(); });
    after(() => server?.stop());
    it('each integer of a jsonb and a json array reads as the server prints it', async () => {
      const nums = numbers(73, 60).filter((n) => /^-?\d+$/.test(n));
      const arr = `[${nums.join(',')}]`;
      await adminQuery(server, `CREATE TABLE public.docs (b jsonb, j json); INSERT INTO public.docs VALUES ('${arr}', '${arr}'); GRANT SELECT ON public.docs TO ${server.appUser}`);
      const r = stepResult(await runSteps(server.url(), [{ query: 'SELECT b, j FROM public.docs', params: [] }], false), 's0');
      assert.equal(r.status, 'ok', r.error);
      const row = (r.rows as { b: unknown[]; j: unknown[] }[])[0]!;
      nums.forEach((n, i) => {
        for (const got of [row.b[i], row.j[i]]) assert.equal(String(got), BigInt(n).toString(), `${n} read as ${String(got)}`);
      });
    });
  });
});
