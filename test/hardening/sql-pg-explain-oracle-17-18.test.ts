// PostgreSQL's EXPLAIN (VERBOSE) as the oracle of what a proven read resolves to (pg-explain-oracle.ts), on 17
// and 18.
import { explainOracle } from './pg-explain-oracle.js';

explainOracle(['17', '18']);
