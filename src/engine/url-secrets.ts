// A connection's URL is the engine's to use: the driver logs in with it, and that gives no step's code anything.
// But the server hands parts of it back to any SQL on the session: the user (current_user, session_user,
// pg_stat_activity.usename; USER(), CURRENT_USER(), information_schema.PROCESSLIST), the database
// (current_database(), datname; DATABASE(), SCHEMA()), and where it was reached (inet_server_addr(),
// inet_server_port(), @@port). The password never comes back as itself (its verifier does, from the server's
// password store: language/sql/account-stores.ts). So a URL whose user, database, host or port carries
// a value from a secret gives its session that secret from its login on (session-secrets.ts: every step on it is
// withheld), and the target is shown and recorded with those parts masked.
//
// By flow, not by value: each ${{ }} of the URL's template that gives a value from a secret is replaced by a
// marker, and the URL read with the markers says which parts hold one. A part that reads differently than in the
// real URL (the secret held a '/' or an '@' and moved the URL's boundaries) is taken to hold it too. A hole that
// passes a whole connection URL through (`${{ inputs.url }}`, `${{ default(inputs.admin_url, inputs.url) }}`)
// is a URL given whole: its secret is its password, as the run's target shows it (Redactor.showUrl), and its
// user, database and server are the address the operator named (the built-in runbooks' URLs).
import { randomBytes } from 'node:crypto';
import { own } from '../common/own.js';
import { engineOfScheme, parseUrl, type ConnectionInfo } from '../db/url.js';
import { evaluateFlow, parseTemplate, templateString, TAINT, type Node, type Scope } from '../language/expression/index.js';
import type { RunbookDoc } from '../language/schema.js';
import { MASK } from '../secrets/redactor.js';

/** The parts of a URL the server hands back to SQL on the session. */
export type UrlPart = 'user' | 'database' | 'host' | 'port';
const HANDED_BACK: readonly UrlPart[] = ['user', 'database', 'host', 'port'];

export interface LoginSecrets {
  /** Each part that holds a value from a secret, and the ${{ }} (as the runbook writes it) that gave it. */
  parts: Partial<Record<UrlPart, string[]>>;
  /** What the session is given at login, for a withheld step's `because`: `${{ inputs.tok }} as its user`. */
  given: string;
  /** The URL as the operator is shown it: each value from a secret is the mask (a URL given whole, itself). */
  shown: string;
}

/** What of a secret the named connection's URL, filled in now, hands its session at login; undefined when
 *  nothing (no value from a secret, or only in the password or a parameter the server never hands back). */
export function loginSecrets(doc: RunbookDoc, name: string, scope: Scope): LoginSecrets | undefined {
  const conn = own(doc.connections, name);
  return conn ? urlLoginSecrets(conn.url, scope) : undefined;
}

export function urlLoginSecrets(template: string, scope: Scope): LoginSecrets | undefined {
  if (!scope[TAINT as unknown as string]) return undefined;
  const nonce = randomBytes(6).toString('hex');
  const marker = (i: number) => `rbsecret${i}x${nonce}`;
  let real = '', marked = '', shown = '';
  const sources: string[] = [];
  for (const p of parseTemplate(template)) {
    if (p.kind === 'text') { real += p.text; marked += p.text; shown += p.text; continue; }
    const { value, tainted } = evaluateFlow(p.node, scope);
    const text = templateString(value);
    real += text;
    if (!tainted || (passesThrough(p.node) && engineOfScheme(text) !== undefined)) { marked += text; shown += text; continue; }
    marked += marker(sources.length);
    shown += MASK;
    sources.push(p.source);
  }
  if (!sources.length) return undefined;
  let info: ConnectionInfo;
  try { info = parseUrl(real); } catch { return undefined; } // nothing logs in with it: the step fails
  let read: ConnectionInfo | undefined;
  try { read = parseUrl(marked); } catch { read = undefined; } // a marker where a number goes (the port): any part may hold it
  const parts: Partial<Record<UrlPart, string[]>> = {};
  for (const part of HANDED_BACK) {
    const withMarkers = read === undefined ? undefined : String(read[part]);
    const given = sources.filter((_, i) => withMarkers?.includes(marker(i)));
    if (given.length) parts[part] = given;
    else if (withMarkers !== String(info[part])) parts[part] = sources;
  }
  const bySource = sources.map((s) => [s, HANDED_BACK.filter((part) => parts[part]?.includes(s))] as const).filter(([, ps]) => ps.length);
  if (!bySource.length) return undefined;
  const given = bySource.map(([s, ps]) => `\${{ ${s} }} as its ${ps.join(' and ')}`).join(', ');
  return { parts, given, shown };
}

/** An address (or a server's fingerprint) as recorded and shown: the parts that hold a secret masked. A port
 *  from a secret is left out (it is a number), and a socket's path, which has the port in its name, masked. */
export function maskAddress<T extends { host: string; port?: number; database?: string; user?: string }>(address: T, login: LoginSecrets | undefined): T {
  if (!login) return address;
  const out = { ...address };
  if (login.parts.user && out.user !== undefined) out.user = MASK;
  if (login.parts.database && out.database !== undefined) out.database = MASK;
  if (login.parts.host || (login.parts.port && out.port === undefined)) out.host = MASK;
  if (login.parts.port) delete out.port;
  return out;
}

/** An expression whose value is one of the values it reads, unchanged: a URL it gives is a URL given whole. */
function passesThrough(node: Node): boolean {
  switch (node.type) {
    case 'literal': case 'ident': case 'member': return true;
    case 'call': return node.callee === 'default' && node.args.every(passesThrough);
    case 'logical': return passesThrough(node.left) && passesThrough(node.right);
    case 'conditional': return passesThrough(node.then) && passesThrough(node.else);
    default: return false;
  }
}
