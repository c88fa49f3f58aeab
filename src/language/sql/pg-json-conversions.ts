// Where a read converts a value to JSON. The server decides how by the value's type as the statement runs
// (json_categorize_type, json.c and jsonb.c / jsonfuncs.c from 16): for a type someone created (OID 16384 and
// up) it looks up that type's cast to json then, per value, after every check the engine made. Its owner needs no
// lock a read holds to CREATE CAST, so a cast created between the check and the statement ran (a probe of stop
// 74: json_agg(m) over an enum column). A read that converts is refused where a value it can reach has such a
// type (db/pg-pin-relations.ts). PostgreSQL's SQL/JSON constructors (JSON_OBJECT, JSON_ARRAYAGG, JSON_SCALAR …)
// never reach here: the classifier does not prove them (pg-classify.ts).

/** pg_catalog's functions that turn any value into json or jsonb by its type (to_json's rules), by name. */
export const PG_TO_JSON: ReadonlySet<string> = new Set([
  'to_json', 'to_jsonb', 'row_to_json', 'array_to_json',
  'json_agg', 'jsonb_agg', 'json_agg_strict', 'jsonb_agg_strict',
  'json_object_agg', 'jsonb_object_agg', 'json_object_agg_strict', 'jsonb_object_agg_strict',
  'json_object_agg_unique', 'jsonb_object_agg_unique', 'json_object_agg_unique_strict', 'jsonb_object_agg_unique_strict',
  'json_build_object', 'jsonb_build_object', 'json_build_array', 'jsonb_build_array',
]);

const JSON_TYPES = new Set(['json', 'jsonb']);

type Named = { String?: { sval?: unknown } }[] | undefined;
const names = (list: Named): string[] => (list ?? []).map((n) => String(n.String?.sval ?? ''));
/** Unqualified or pg_catalog's: the pinned path resolves these to PostgreSQL's own. */
const catalogs = (name: string[]): boolean => name.length === 1 || name.at(-2) === 'pg_catalog';

/** What a parse-tree node converts to JSON, as shown in a refusal (`json_agg`, `::jsonb`); undefined: nothing. */
export function jsonConversion(key: string, node: unknown): string | undefined {
  if (key === 'FuncCall') {
    const name = names((node as { funcname?: Named } | null)?.funcname);
    return catalogs(name) && PG_TO_JSON.has(name.at(-1)!) ? name.at(-1) : undefined;
  }
  if (key === 'TypeCast') {
    const name = names((node as { typeName?: { names?: Named } } | null)?.typeName?.names);
    return catalogs(name) && JSON_TYPES.has(name.at(-1)!) ? `::${name.at(-1)}` : undefined;
  }
  return undefined;
}
