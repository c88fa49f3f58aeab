// DDL racing a read on PostgreSQL 18 (the races: ddl-races.ts; 15's: sql-pg-ddl-race.test.ts).
import { ddlRaces } from './ddl-races.js';

ddlRaces('18');
