// DDL racing a read on PostgreSQL 15 (the races: ddl-races.ts; 18's: sql-pg-ddl-race-18.test.ts). One file per
// major: both in one took ~420 s in CI and crossed the runner's 600 s per file under load (stop 78).
import { ddlRaces } from './ddl-races.js';

ddlRaces('system');
