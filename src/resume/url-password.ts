// A database URL's password is no part of where a run acts: rotated during the incident, the URL still names the
// same server (the connections' own check compares the server itself). Shared by what a resume compares: the
// environment's variables (place.ts) and the inputs' values (input-prints.ts).

export const URL_START = /^(?:postgres(?:ql)?|mysql|mariadb):\/\//i;
export const PASSWORD_IN_URL = /(:\/\/[^:@/]*):[^@/]*@/;

/** The value as compared: a database URL without its password, anything else as it is. */
export function withoutUrlPassword(value: string): string {
  return URL_START.test(value.trim()) ? value.replace(PASSWORD_IN_URL, '$1@') : value;
}
