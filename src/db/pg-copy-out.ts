// Tables' rows without the planner (issue #45): `COPY <table> (<columns>) TO STDOUT` of a table (not of a query)
// reads its heap directly, so nothing a superuser hung on that table's planning (an extended-statistics object's
// expressions, an index's, const-folded for every query over it) runs, and a child table that inherits it is not
// read (COPY TO copies the table alone). Row-level security would turn a COPY into a planned query, but
// PostgreSQL never applies it to a relation below FirstNormalObjectId (check_enable_rls): every catalog. What is
// left: the columns' types' own output functions (oidout, nameout), which only an UPDATE of pg_type could change
// (db/pg-catalog-hooks.ts).
import type pg from 'pg';

/** A column's value as COPY's text format gives it; null for \N. */
export type CopyRow = (string | null)[];

/** The protocol messages node-postgres hands the query it is running (client.js calls these by name). `shows`:
 *  how many SHOW statements come before the COPYs; each answers one row, kept in `shown`. */
class CopyOut {
  private chunks: Buffer[] = [];
  private readonly outputs: Buffer[] = [];
  readonly shown: (string | null)[] = [];
  private unexpected: string | undefined;
  readonly done: Promise<Buffer[]>;
  private resolve!: (b: Buffer[]) => void;
  private reject!: (e: unknown) => void;

  constructor(private readonly text: string, private readonly shows = 0) {
    this.done = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
  }

  private get showing(): boolean { return this.outputs.length < this.shows; }

  submit(connection: { query(text: string): void }): void { connection.query(this.text); }
  // A copy: the chunk is a view of pg's read buffer, which the next socket read overwrites.
  handleCopyData(msg: { chunk: Buffer }): void { this.chunks.push(Buffer.from(msg.chunk)); }
  handleCommandComplete(): void { this.outputs.push(Buffer.concat(this.chunks)); this.chunks = []; }
  handleReadyForQuery(): void {
    if (this.unexpected) this.reject(new Error(`COPY TO STDOUT answered with ${this.unexpected}`));
    else this.resolve(this.outputs);
  }
  handleError(err: unknown): void { this.reject(err); }
  handleRowDescription(): void { if (!this.showing) this.unexpected ??= 'a row description'; }
  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (this.showing && msg.fields.length === 1) this.shown.push(msg.fields[0]!);
    else this.unexpected ??= 'a row';
  }
  // None of these answer this text; a server that sends them is not answering it.
  handleEmptyQuery(): void { this.unexpected ??= 'an empty query'; }
  handlePortalSuspended(): void { this.unexpected ??= 'a suspended portal'; }
  handleCopyInResponse(connection: { sendCopyFail(msg: string): void }): void {
    this.unexpected ??= 'a COPY FROM';
    connection.sendCopyFail('runbook sends no data');
  }
}

/** A lowercase identifier, as the engine writes catalog and column names (nothing to quote). */
const PLAIN = /^[a-z_][a-z0-9_]*$/;

export interface CopyTable { table: string; columns: readonly string[] }

/**
 * Every row of each table's columns, by COPY: one simple-query message for all of them (one round trip), in an
 * implicit transaction of its own. Each COPY's rows end at its CommandComplete.
 */
export async function copyOut(client: pg.Client, tables: readonly CopyTable[]): Promise<CopyRow[][]> {
  return (await showAndCopyOut(client, undefined, tables)).rows;
}

/** copyOut, with a setting's value asked first in the same message (SHOW is not planned either): `shown`. */
export async function showAndCopyOut(client: pg.Client, setting: string | undefined, tables: readonly CopyTable[]): Promise<{ shown: string | null; rows: CopyRow[][] }> {
  for (const name of [...(setting === undefined ? [] : [setting]), ...tables.flatMap(({ table, columns }) => [...table.split('.'), ...columns])]) {
    if (!PLAIN.test(name)) throw new Error(`copyOut: not a plain name: ${name}`);
  }
  const shows = setting === undefined ? [] : [`SHOW ${setting}`];
  const copy = new CopyOut([...shows, ...tables.map(({ table, columns }) => `COPY ${table} (${columns.join(', ')}) TO STDOUT`)].join('; '), shows.length);
  client.query(copy as unknown as pg.QueryConfig);
  const outputs = (await copy.done).slice(shows.length);
  if (outputs.length !== tables.length || copy.shown.length !== shows.length) throw new Error(`COPY TO STDOUT answered ${outputs.length} of ${tables.length} tables`);
  return { shown: copy.shown[0] ?? null, rows: outputs.map((out, i) => parseCopyText(out.toString('utf8'), tables[i]!.columns.length)) };
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** COPY's text format: a line a row, tab between columns, \N for null, backslash escapes (octal, \x hex, \b … \v). */
export function parseCopyText(text: string, width: number): CopyRow[] {
  const rows: CopyRow[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue; // the last line's end
    const row = line.split('\t').map((f) => (f === '\\N' ? null : unescape(f)));
    if (row.length !== width) throw new Error(`COPY gave ${row.length} columns where ${width} were asked`);
    rows.push(row);
  }
  return rows;
}

function unescape(field: string): string {
  return field.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_, octal?: string, hex?: string, other?: string) => {
    if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    return ESCAPES[other!] ?? other!;
  });
}
