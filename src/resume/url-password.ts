// A database URL's password is no part of where a run acts: rotated during the incident, the URL still names the
// same server (the connections' own check compares the server itself). Shared by what a resume compares: the
// environment's variables (place.ts) and the inputs' values (input-prints.ts).
import { writtenWithoutPassword } from '../db/url.js';

export const URL_START = /^(?:postgres(?:ql)?|mysql|mariadb):\/\//i;

/** The value as compared: a database URL without its password, its credentials found as the URL's own reader finds
 *  them (a pattern of its own dropped a parameter of `postgres://h?application_name=a:&port=N&x=b@c`, a probe of
 *  stop 70); anything else, and a URL that does not parse, as it is. */
export function withoutUrlPassword(value: string): string {
  return URL_START.test(value.trim()) ? writtenWithoutPassword(value) ?? value : value;
}
