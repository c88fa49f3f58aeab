// Statements through pg with a bounded memory for their rows (db/row-budget.ts), whatever the result's size.
import pg from 'pg';
import { RowBudget } from './row-budget.js';
import { columnKeys, rowOf } from './result-columns.js';
import type { QueryResult } from './session.js';

export interface Streamed { result: pg.QueryResult; budget: RowBudget }

/**
 * Runs a query with pg's row events instead of its row array: pg keeps no rows when a 'row' listener is
 * attached, so each row goes through a RowBudget and a result of any size holds only the bounded prefix
 * in memory. One entry per statement of the text, in order.
 */
export function streamQuery(client: pg.Client, text: string, values: unknown[], extended = false): Promise<Streamed[]> {
  // extended: Parse/Bind/Execute even without values, where the server takes exactly one statement.
  // Rows by position, each column under its own key (result-columns.ts): pg keyed a row by its columns' names,
  // so `SELECT a.state, b.state` kept one of the two values under both headers.
  const config = { ...(values.length || extended ? { text, values, ...(extended ? { queryMode: 'extended' } : {}) } : { text }), rowMode: 'array' };
  const query = new pg.Query(config as pg.QueryConfig); // queryMode: not in @types/pg
  const budgets = new Map<unknown, { budget: RowBudget; keys: string[] }>();
  const budgetOf = (r: pg.QueryResult) => {
    let b = budgets.get(r);
    if (!b) budgets.set(r, b = { budget: new RowBudget(), keys: keysOf(r) });
    return b;
  };
  query.on('row', (row: unknown[], result?: pg.ResultBuilder) => { const b = budgetOf(result as pg.QueryResult); b.budget.add(rowOf(b.keys, row)); });
  return new Promise((resolve, reject) => {
    query.on('error', reject);
    query.on('end', (results: pg.QueryResult | pg.QueryResult[]) => {
      resolve((Array.isArray(results) ? results : [results]).map((result) => ({ result, budget: budgetOf(result).budget })));
    });
    client.query(query);
  });
}

/** The last statement's result; a text of only comments has none. */
export function lastResult(results: Streamed[]): QueryResult {
  const last = results.at(-1);
  if (!last) return new RowBudget().result([], 0, 'EMPTY');
  const { result, budget } = last;
  return budget.result(keysOf(result), result.rowCount ?? budget.rowsSeen, result.command);
}

/** A result's columns as the rows key them: a name met again keyed by its position (`state (2)`). */
const keysOf = (result: pg.QueryResult): string[] => columnKeys((result.fields ?? []).map((f) => f.name));
