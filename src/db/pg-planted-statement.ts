// The question whether anything is planted among PostgreSQL's own objects (PLANTED_SQL) is asked before every read,
// and planning it cost 8–9 ms a read (execution ~3 ms, on a loaded machine): a `SELECT 1` step took ~15 ms over a
// raw one. The session prepares it once (db/pg-prepared-question.ts; with no parameters the server keeps one
// generic plan, made at the first EXECUTE under the pin's planner settings) and each read EXECUTEs it.
import { PLANTED_SQL } from './pg-pin-sql.js';
import { PreparedQuestion } from './pg-prepared-question.js';

export class PlantedStatement extends PreparedQuestion {
  constructor() { super('planted', () => PLANTED_SQL); }
}
