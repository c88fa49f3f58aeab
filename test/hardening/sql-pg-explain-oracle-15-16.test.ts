// PostgreSQL's EXPLAIN (VERBOSE) as the oracle of what a proven read resolves to (pg-explain-oracle.ts), on 15
// and 16. 14 gets no proven read at all (sql-pg-twins.test.ts shows it refused); 15 to 18 are read by their own
// grammar.
import { explainOracle } from './pg-explain-oracle.js';

explainOracle(['system', '16']);
