import { describe } from 'node:test';
import { faultMatrix } from './fault-matrix.js';

describe('db-connect probe: MariaDB faults', () => faultMatrix('mariadb'));
