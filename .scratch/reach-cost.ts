import pg from 'pg';
import { startPostgres } from '../src/lab/index.js';
import { adminQuery } from '../test/db/helpers.js';
import { secretReachSql } from '../src/db/pg-secret-reach.js';
const server = await startPostgres({ postgresVersion: 'system' });
await adminQuery(server, 'CREATE TABLE t (n int); CREATE VIEW v AS SELECT n FROM t');
const c = new pg.Client({ connectionString: server.adminUrl() }); await c.connect();
for (const rels of [[['public','v']]]) {
  const sql = secretReachSql(rels);
  const times: number[] = [];
  for (let i = 0; i < 300; i++) { const s = process.hrtime.bigint(); await c.query(sql); times.push(Number(process.hrtime.bigint() - s) / 1e6); }
  times.sort((a, b) => a - b);
  const plan = await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
  console.log(rels[0]!.join('.'), 'median ms', times[150]!.toFixed(3), 'p90', times[270]!.toFixed(3), 'planning', (plan.rows[0] as any)['QUERY PLAN'][0]['Planning Time'], 'exec', (plan.rows[0] as any)['QUERY PLAN'][0]['Execution Time']);
}
const base: number[] = [];
for (let i = 0; i < 300; i++) { const s = process.hrtime.bigint(); await c.query('SELECT 1'); base.push(Number(process.hrtime.bigint() - s) / 1e6); }
base.sort((a, b) => a - b); console.log('SELECT 1 median', base[150]!.toFixed(3));
await c.end(); await server.stop();
