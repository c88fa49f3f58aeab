// One row of the connection-error table: an error a server, pooler, driver or Node can return,
// the classification it gets, and where the row comes from. The rows are data (errors/*.ts), so
// the classifier, its test and docs/executors.md's table are all read from the same list.
import type { Classification } from '../../common/classification.js';

export type ErrorFamily = 'postgres' | 'mariadb' | 'mysql' | 'pgbouncer' | 'node' | 'openssl' | 'pg' | 'mysql2';

export interface ErrorRow {
  family: ErrorFamily;
  /**
   * SQLSTATE (postgres, pgbouncer), server error number (mariadb, mysql), or the code Node, OpenSSL or
   * the driver sets. '' for the driver errors that carry no code: the text alone identifies them.
   */
  code: string;
  /** The source's own name for it: condition name, ER_ macro, or the driver's wording. */
  name: string;
  /**
   * Needed where one code covers several causes (28000, 57P03, PgBouncer's 08P01), or one number
   * means two things on MariaDB and MySQL (4031, 4150, 4151): the row applies only when it matches.
   */
  text?: RegExp;
  classification: Classification;
  /** A message the source produces: the test builds each error from it; the docs show it. */
  sample: string;
  /** The file of the source the row was taken from. */
  source: string;
}

export const PG_ERRCODES = 'postgresql src/backend/utils/errcodes.txt';
export const MARIADB_ERRORS = 'mariadb include/mysqld_error.h (Connector/C 3.3)';
export const MYSQL_ERRORS = 'mysql2 lib/constants/errors.js (MySQL 8.x list)';
export const PGBOUNCER_SRC = 'pgbouncer src/client.c, src/objects.c, src/janitor.c, src/server.c (1.16–1.24)';
