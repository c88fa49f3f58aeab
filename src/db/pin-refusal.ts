// A read the session would not run: a setting it could not pin (the server or a pooler refused or ignored it),
// or code the server resolves for it that is not known to be read-only (db/pg-pin.ts, db/mysql-pin.ts).
export class PinRefusal extends Error {
  override readonly name = 'PinRefusal';
  readonly code = '25006'; // read_only_sql_transaction: classified not-read-only
}
