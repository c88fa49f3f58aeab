// libpq's integer connection options, read as libpq reads them. runbook uses none of them (it sets its own timeouts
// and keepalives: url-params.ts INERT), but libpq fails the application's connection on a value it cannot read
// ("invalid integer value … for connection option"), and hands the keepalive values to the kernel, which refuses
// some ("setsockopt(TCP_KEEPIDLE) failed: Invalid argument"). `?connect_timeout=2s` was inert to runbook and a run
// ended "resolved" where psql could not connect (a probe of stop 72): such a value is refused, naming the option.

/** strtol's leading and parse_int_param's trailing whitespace: C's isspace in the C locale. */
const INTEGER = /^[ \t\n\v\f\r]*([+-]?\d+)[ \t\n\v\f\r]*$/;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** libpq's pqParseIntParam (fe-connect.c): base 10, whitespace around, nothing else, within a C int. */
export function libpqInt(value: string): number | undefined {
  const digits = INTEGER.exec(value)?.[1];
  const n = digits === undefined ? NaN : Number(digits);
  return n >= INT_MIN && n <= INT_MAX ? n : undefined;
}

/** What Linux's setsockopt takes (libpq reads a negative value as 0 first); tcp_user_timeout takes any. */
const KERNEL_RANGE: Record<string, [number, number]> = {
  keepalives_idle: [1, 32767], keepalives_interval: [1, 32767], keepalives_count: [1, 127],
};

/** Why libpq refuses these options' values (URL parameters, PGCONNECT_TIMEOUT in `env`), or undefined. Over a Unix
 *  socket libpq reads connect_timeout only; `keepalives` 0 skips the other TCP options, as libpq's connect does. */
export function libpqIntegerProblem(params: Record<string, string>, env: Record<string, string | undefined>, overSocket: boolean): string | undefined {
  const timeout = params.connect_timeout ?? env.PGCONNECT_TIMEOUT; // set but empty is read, and refused, too
  if (timeout !== undefined && libpqInt(timeout) === undefined) return notInteger(params.connect_timeout === undefined ? 'PGCONNECT_TIMEOUT' : "the URL parameter 'connect_timeout'");
  if (overSocket) return undefined;
  if (params.keepalives !== undefined) {
    const on = libpqInt(params.keepalives);
    if (on === undefined) return notInteger("the URL parameter 'keepalives'");
    if (on === 0) return undefined;
  }
  for (const key of ['keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout']) {
    const value = params[key];
    if (value === undefined) continue;
    const n = libpqInt(value);
    if (n === undefined) return notInteger(`the URL parameter '${key}'`);
    const range = KERNEL_RANGE[key];
    if (range && (Math.max(n, 0) < range[0] || n > range[1])) {
      return `the URL parameter '${key}' is outside ${range[0]} to ${range[1]}: libpq hands it to the kernel, which refuses it, so the application cannot connect; write a value in that range`;
    }
  }
  return undefined;
}

const notInteger = (what: string): string =>
  `${what} is not an integer as libpq reads it (digits, a sign, spaces around): libpq, the application's reader, refuses the connection; write a whole number`;
