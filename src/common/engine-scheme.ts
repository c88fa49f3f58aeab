// Which database engine a connection URL names, from its scheme alone: the lowest floor, because the validator
// (language/) picks the SQL dialect by it and the drivers (db/) connect by it.

export type Engine = 'postgres' | 'mysql' | 'mariadb';

const SCHEMES: Record<string, Engine> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mariadb' };

/** The engine a URL's scheme names, read without parsing the rest; undefined for any other scheme. */
export function engineOfScheme(raw: string): Engine | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw.trim())?.[1]?.toLowerCase();
  // Own keys only: 'constructor://' must not find Object's constructor.
  return scheme !== undefined && Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme] : undefined;
}
