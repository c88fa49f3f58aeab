// Statements through pg with a bounded memory for their rows (db/row-budget.ts), whatever the result's size.
import pg from 'pg';
import { RowBudget } from './row-budget.js';
import type { QueryResult } from './session.js';

export interface Streamed { result: pg.QueryResult; budget: RowBudget }

/**
 * Runs a query with pg's row events instead of its row array: pg keeps no rows when a 'row' listener is
 * attached, so each row goes through a RowBudget and a result of any size holds only the bounded prefix
 * in memory. One entry per statement of the text, in order.
 */
export function streamQuery(client: pg.Client, text: string, values: unknown[], extended = false): Promise<Streamed[]> {
  // extended: Parse/Bind/Execute even without values, where the server takes exactly one statement.
  const config = values.length || extended ? { text, values, ...(extended ? { queryMode: 'extended' } : {}) } : { text };
  const query = new pg.Query(config as pg.QueryConfig); // queryMode: not in @types/pg
  const budgets = new Map<unknown, RowBudget>();
  const budgetOf = (r: unknown): RowBudget => { let b = budgets.get(r); if (!b) budgets.set(r, b = new RowBudget()); return b; };
  query.on('row', (row: unknown, result: unknown) => budgetOf(result).add(row));
  return new Promise((resolve, reject) => {
    query.on('error', reject);
    query.on('end', (results: pg.QueryResult | pg.QueryResult[]) => {
      resolve((Array.isArray(results) ? results : [results]).map((result) => ({ result, budget: budgetOf(result) })));
    });
    client.query(query);
  });
}

/** The last statement's result; a text of only comments has none. */
export function lastResult(results: Streamed[]): QueryResult {
  const last = results.at(-1);
  if (!last) return new RowBudget().result([], 0, 'EMPTY');
  const { result, budget } = last;
  return budget.result(result.fields.map((f) => f.name), result.rowCount ?? budget.rowsSeen, result.command);
}
