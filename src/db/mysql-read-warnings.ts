// What a MySQL/MariaDB read's warnings say about its answer. The server returns a value it cut or replaced with a
// warning only: GROUP_CONCAT cut at group_concat_max_len (1260, a probe of stop 73), REPEAT()'s result NULL past
// max_allowed_packet (1301, a probe of stop 74, where a count over it read 0). An allowlist: a read whose warnings
// hold a code not reviewed below fails, rather than route on a part or a NULL the server put in its place.
// mysql2 does not pass on a result set's warning count: each read asks SHOW WARNINGS (max_error_count is pinned
// to the most, so none is left out; mysql-value-pins.ts).

/** Reviewed: the server says how it read the statement's own values or plan, as it would under its defaults. */
const REVIEWED = new Set([
  1003, // the statement as the optimizer rewrote it (EXPLAIN)
  1052, // a GROUP BY name that is a column and an alias: the server's rule picks the column, under every setting
  1249, // a SELECT reduced during optimization
  1276, // a reference resolved in an outer SELECT
  1287, // deprecated syntax
  1739, // an index not used for a type or collation conversion
  // The data's own conversions, the same under every setting the read pin leaves to the server.
  1264, // a value out of a type's range
  1265, // data truncated to a column's type
  1292, // a value truncated in a conversion
  1300, // an invalid character string
  1365, // a division by 0
  1366, // an incorrect value for its type
  1411, // an incorrect value for a function
  1441, // a datetime function's field overflow
  1916, // an overflow in a conversion
  1918, // an illegal value in a conversion
]);

/** ER_CUT_VALUE_GROUP_CONCAT: "Row %u was cut by GROUP_CONCAT()". */
const GROUP_CONCAT_CUT = 1260;

/** Throws where SHOW WARNINGS lists a code not reviewed: the step fails rather than return what the server cut. */
export function checkReadWarnings(rows: { Code?: unknown; Message?: unknown }[]): void {
  const cut = rows.find((w) => Number(w.Code) === GROUP_CONCAT_CUT);
  if (cut) throw new Error(`the server cut a GROUP_CONCAT() at group_concat_max_len (warning ${GROUP_CONCAT_CUT}): the value read is not the whole, and it is not used`);
  const other = rows.find((w) => !REVIEWED.has(Number(w.Code)));
  if (other) throw new Error(`the server answered with warning ${String(other.Code)} (${String(other.Message ?? '').slice(0, 200)}), which may mean a value it cut or replaced: the values read are not used`);
}
