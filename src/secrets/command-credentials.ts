// Credentials written into a command's own text: `PGPASSWORD=x psql`, `postgres://u:pw@h/db`, `mysql -pSECRET`,
// `--password=…`. No input declared them secret, so the redactor does not know them; but they are credentials all
// the same, and a start line, a status line, the gate and the transcript are read by more people than the runbook.
// Each is masked where it stands (whatever its length: `PGPASSWORD=x` shows `PGPASSWORD=****`), and the values
// long enough to mask by value are handed to the run's redactor, so output that echoes them is masked too.
// Masking only: what runs is never changed.
import { isCredentialVar } from './credential-env.js';
import { MASK } from './redactor.js';

/** A value as a shell word reads it: quoted, or up to a blank or a command separator. */
const WORD = String.raw`(?:\$'(?:[^'\\\n]|\\.)*'|'[^'\n]*'|"(?:[^"\\\n]|\\.)*"|[^\s;&|()<>'"]+)`;
// NAME=value as a command's prefix or an export; the name decides (credential-env.ts, and a few usual spellings).
// Upper-case names only, where a word starts: `WHERE auth=1` in a SQL step is not an assignment.
const ASSIGN = new RegExp(String.raw`(?<=^|[\s;&|(])([A-Z_][A-Z0-9_]*)=(${WORD})`, 'g');
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|AUTH)(_|$)/i;
// 'NAME=value' or "NAME=value" as one quoted word (env 'PGPASSWORD=…' psql).
const QUOTED_ASSIGN = /(?<=^|[\s;&|(])(['"])([A-Z_][A-Z0-9_]*)=([^'"\n]*)\1/g;
// libpq's keyword/value connection strings and URL queries: password=… (up to a blank, a quote or '&').
const KEYWORD = /(?<=[\s'"?&]|^)(password\s*=\s*)([^\s'"&;|]+)/gi;
// curl -u/--user user:password; an Authorization header's credentials (Basic, Bearer, a token).
const CURL_USER = new RegExp(String.raw`(\bcurl\b[^;&|\n]*?\s(?:-u\s*|--user[=\s]\s*)['"]?[^\s:'"]*:)([^\s'"]+)`, 'g');
const AUTH_HEADER = /(\bAuthorization:\s*(?:Basic|Bearer|Token)?\s*)([^\s'"]+)/gi;
// --password PW, --pass PW as the next word (mongosh, redis-cli): a word that is not another option.
const NEXT_AFTER_LONG = new RegExp(String.raw`(?<=\s|^)(--(?:password|passwd|pass|token|secret)\s+)(?!-)(${WORD})`, 'gi');
// scheme://user:password@host: the password's place, as a URL parser finds it (up to the last '@' of the authority).
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"]*:)([^\s/?#'"]*)@/gi;
// --password=x, --passwd=x, --pass=x (any program); -pSECRET of the mysql and mariadb clients (attached only:
// their -p never takes the next word); -a of redis-cli, -p of sshpass (the next word).
const LONG_OPTION = new RegExp(String.raw`(?<=\s|^)(--(?:password|passwd|pass|token|secret)=)(${WORD})`, 'gi');
const MYSQL_P = new RegExp(String.raw`(\b(?:mysql|mysqldump|mysqladmin|mysqlcheck|mysqlimport|mysqlshow|mariadb[a-z-]*)\b[^;&|\n]*?\s-p)(${WORD})`, 'g');
const NEXT_WORD = new RegExp(String.raw`(\b(?:redis-cli\b[^;&|\n]*?\s-a|sshpass\s+-p)\s*)(${WORD})`, 'g');

const isSecretVar = (name: string): boolean => name !== 'PWD' && name !== 'OLDPWD' && (isCredentialVar(name) || SECRET_NAME.test(name));

/** The credentials a command's text holds, as written (quotes removed). */
export function commandCredentials(text: string): string[] {
  const found: string[] = [];
  scan(text, (value) => { found.push(unquote(value)); return value; });
  return found.filter((v) => v !== '' && v !== MASK);
}

/** The command's text with each credential it holds shown as ****. */
export function maskCommandCredentials(text: string): string {
  if (!/[=:@]|-p|-a/.test(text)) return text;
  return scan(text, (value) => (value.startsWith("'") ? `'${MASK}'` : value.startsWith('"') ? `"${MASK}"` : MASK));
}

/** A value bash takes as written: single-quoted, or holding no expansion ($, backticks; a backslash outside
 *  quotes). Only such a value is a credential to mask: `--password="$(touch f)"` shown as `"****"` hid a command
 *  the gate's y then ran (a probe). */
const literal = (value: string): boolean => value.startsWith("'") || value.startsWith("$'") || (!/[$`]/.test(value) && (value.startsWith('"') || !value.includes('\\')));

/** A value no reader can take for code: after its quotes, no blank and none of the characters that make a shell
 *  word more than one (operators, expansions, quotes, braces), and no leading `-` (an option). The gate masks
 *  only such a value: `API_TOKEN='touch F'; $API_TOKEN` and `eval echo --password='$(touch F)'` were shown as
 *  `'****'` while bash ran the value (a probe of stop 78). A password with a blank or one of these is shown. */
const inert = (value: string): boolean => !/[\s$`\\;&|<>(){}'"]/.test(unquote(value)) && !unquote(value).startsWith('-');

/** NAME is expanded somewhere in the text (`$NAME`, `${NAME}`, `${NAME:-…}`): its value then reaches bash as a
 *  word of the script, where it may be a command (`API_TOKEN=reboot; $API_TOKEN`). */
const expanded = (text: string, name: string): boolean => new RegExp(String.raw`\$\{?${name}(?![A-Za-z0-9_])`).test(text);

/** Patterns whose second group is the value after a head (an option, a keyword, a header), in the order they
 *  apply: the quoted NAME=value form comes between the two lists, as each list may leave a value it then finds. */
const HEAD_VALUE_FIRST = [LONG_OPTION, MYSQL_P, NEXT_WORD, NEXT_AFTER_LONG];
const HEAD_VALUE_LAST = [KEYWORD, CURL_USER, AUTH_HEADER];

function scan(text: string, each: (value: string) => string): string {
  const masked = (value: string) => literal(value) && inert(value) && value !== MASK;
  const headValue = (m: string, head: string, value: string): string => (masked(value) ? `${head}${each(value)}` : m);
  const assigned = (name: string, value: string) => isSecretVar(name) && masked(value) && !expanded(text, name);
  const named = text
    .replace(URL_PASSWORD, (m, head: string, pw: string) => (!pw ? m : masked(pw) ? `${head}${each(pw)}@` : m))
    .replace(ASSIGN, (m, name: string, value: string) => (assigned(name, value) ? `${name}=${each(value)}` : m));
  const quoted = HEAD_VALUE_FIRST.reduce((t, re) => t.replace(re, headValue), named)
    .replace(QUOTED_ASSIGN, (m, q: string, name: string, value: string) => (value !== '' && assigned(name, `${q}${value}${q}`) ? `${q}${name}=${each(value)}${q}` : m));
  return HEAD_VALUE_LAST.reduce((t, re) => t.replace(re, headValue), quoted);
}

function unquote(value: string): string {
  if (value.startsWith("$'")) return value.slice(2, -1);
  if (value.startsWith("'")) return value.slice(1, -1);
  if (value.startsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}
