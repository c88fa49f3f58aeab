import { describe } from 'node:test';
import { faultMatrix } from './fault-matrix.js';

describe('db-connect probe: PostgreSQL faults', () => faultMatrix('postgres'));
