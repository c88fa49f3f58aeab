import { describe } from 'node:test';
import { faultMatrix } from './fault-matrix.js';

// Three at a time: a case is mostly a server of its own starting (fault-matrix.ts keeps the shared server's in turn).
describe('db-connect probe: PostgreSQL faults', { concurrency: 3 }, () => faultMatrix('postgres'));
