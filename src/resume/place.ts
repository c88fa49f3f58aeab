// Whether a resumed run acts where the run started, besides its connections (issue #46): the working directory
// and the whole environment its steps may be given, recorded in the header (transcript/run-place.ts) and
// compared with now before anything runs. The environment is compared by allowlist: every variable must be the
// same except the operator's session (common/session-env.ts), so a target spelled in no form the engine knows
// (`host=db-b dbname=x`, a jdbc: URL, ORDERS_HOST, another HOME's ~/.pg_service.conf) still counts.
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../common/errors.js';
import { parseUrl } from '../db/url.js';
import type { EnvDigest, RunPlace } from '../transcript/run-place.js';
import type { Transcript } from '../transcript/reader.js';
import { clientFileChanges, clientFilesOf } from './client-files.js';
import { stepPlaces } from './step-places.js';
import type { RunbookDoc } from '../language/schema.js';
import { inputChanges, inputPrintsOf, unprintedInputChanges, type ResolvedInputs } from './input-prints.js';
import { isSessionVariable } from '../common/session-env.js';
import { recordKey, type RecordKey } from './record-key.js';
import { URL_START, withoutUrlPassword } from './url-password.js';

/** The engine's own servers, which no step is given: the team store holds the run itself (a resume from another
 *  store finds another run, or none), and a replica of the store is still the same run. */
const ENGINE_OWN: ReadonlySet<string> = new Set(['RUNBOOK_STORE']);

/** libpq's and the MySQL client's own variables that choose a server without a URL: a refusal shows their values
 *  (none is a credential). Which variables are compared does not depend on this list: every one is. */
export const SHOWN_SERVER_VARIABLES: ReadonlySet<string> = new Set(['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE',
  'MYSQL_HOST', 'MYSQL_TCP_PORT', 'MYSQL_UNIX_PORT']);

/** A database URL without its password, as a refusal may show it; undefined for any other value. */
function serverOf(value: string): string | undefined {
  if (!URL_START.test(value.trim())) return undefined;
  try {
    const u = parseUrl(value);
    return `${u.engine}://${u.user}@${u.host}:${u.port}/${u.database}`;
  } catch {
    return `${value.trim().split('://')[0]}://… (a URL that does not parse)`; // still compared; shown without any of it
  }
}

/** A value's digest, salted per run, bound to its name and keyed by this user's record key (record-key.ts: the
 *  salt is in the header, so a plain hash would let its reader test guesses of PGPASSWORD); a header from before
 *  the key has plain ones. A URL's password is left out: rotated, it names the same server (the connections' own
 *  check compares the server itself). */
function digestOf(salt: string, name: string, value: string, key: RecordKey | undefined): string {
  const text = `${salt}\0${name}\0${withoutUrlPassword(value)}`;
  return (key ? key.mac(text) : createHash('sha256').update(text).digest('hex')).slice(0, 32);
}

const compared = (name: string) => !ENGINE_OWN.has(name) && !isSessionVariable(name);

/** The place a run acts in now; `salt`: the recorded run's, to compare with it (a new run makes its own);
 *  `keyed`: false to compare with a header from before the record key. */
export function placeOf(env: NodeJS.ProcessEnv, cwd = process.cwd(), salt = randomBytes(16).toString('hex'), keyed = true): RunPlace {
  const key = keyed ? recordKey() : undefined;
  const serverEnv: Record<string, string> = {};
  const digests: Record<string, string> = {};
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value === undefined || !compared(name)) continue;
    const server = SHOWN_SERVER_VARIABLES.has(name) ? value : serverOf(value);
    if (server !== undefined) serverEnv[name] = server;
    digests[name] = digestOf(salt, name, value, key);
  }
  return { cwd, serverEnv, envDigest: { salt, digests, ...(key ? { key: key.id } : {}) } };
}

/** What a run records of where it acts, at its start and on a resume with --retarget: the place (above), its
 *  inputs' prints and its client configuration files (`runbookFile`: the `.env` beside it is one). */
export function startPlaceOf(env: NodeJS.ProcessEnv, inputs: ResolvedInputs, runbookFile: string, cwd = process.cwd(), doc?: RunbookDoc): RunPlace {
  const steps = doc ? stepPlaces(doc, inputs.values, env, cwd, runbookFile) : [];
  return { ...placeOf(env, cwd), inputPrints: inputPrintsOf(inputs, recordKey()), clientFiles: clientFilesOf(env, cwd, runbookFile, steps) };
}

/** What differs between the place a run recorded and the one a resume would act in, one phrase each. */
export function placeChanges(recorded: Partial<RunPlace> & { type?: string }, now: RunPlace): string[] {
  const out: string[] = [];
  const was = recorded.type === 'resumed' ? 'the run was last resumed with --retarget in' : 'the run started in';
  if (recorded.cwd !== undefined && recorded.cwd !== now.cwd) out.push(`${was} ${recorded.cwd}, and this is ${now.cwd} (its relative paths and cwd: steps would act here)`);
  const servers = serverChanges(recorded.serverEnv ?? {}, now.serverEnv);
  out.push(...servers.phrases);
  if (recorded.envDigest) out.push(...environmentChanges(recorded.envDigest, now.envDigest, servers.named));
  return out;
}

/** Variables that name another database server, shown password-free. */
function serverChanges(was: Record<string, string>, is: Record<string, string>): { phrases: string[]; named: Set<string> } {
  const phrases: string[] = [];
  const named = new Set<string>();
  for (const name of new Set([...Object.keys(was), ...Object.keys(is)])) {
    if (!compared(name) || was[name] === is[name]) continue; // a run before the allowlist recorded RUNBOOK_STORE
    named.add(name);
    phrases.push(was[name] === undefined ? `${name} now names ${is[name]}, and the run had no ${name}`
      : is[name] === undefined ? `${name} named ${was[name]} when the run started, and is not set now`
        : `${name} named ${was[name]} when the run started, and names ${is[name]} now`);
  }
  return { phrases, named };
}

/** Every other variable that differs, by name only: any value may be a secret. */
function environmentChanges(was: EnvDigest, now: EnvDigest | undefined, said: Set<string>): string[] {
  const is = now?.digests ?? {};
  const changed: string[] = [];
  const added: string[] = [];
  const gone: string[] = [];
  for (const name of new Set([...Object.keys(was.digests), ...Object.keys(is)])) {
    if (said.has(name) || !compared(name) || was.digests[name] === is[name]) continue;
    (was.digests[name] === undefined ? added : is[name] === undefined ? gone : changed).push(name);
  }
  const parts = [
    changed.length ? `${changed.sort().join(', ')} changed` : '',
    added.length ? `${added.sort().join(', ')} ${added.length === 1 ? 'is' : 'are'} set now and ${added.length === 1 ? 'was' : 'were'} not` : '',
    gone.length ? `${gone.sort().join(', ')} ${gone.length === 1 ? 'was' : 'were'} set and ${gone.length === 1 ? 'is' : 'are'} not now` : '',
  ].filter(Boolean);
  return parts.length ? [`the environment is not the run's: ${parts.join('; ')} (values not shown; any may choose where a step acts)`] : [];
}

/** Where the run last acted: the place a resume with --retarget moved it to, else where it started. */
function lastPlace(t: Transcript): Partial<RunPlace> & { type: string } {
  for (let i = t.lines.length - 1; i >= 0; i--) {
    const l = t.lines[i]!;
    if (l.type === 'resumed' && l.cwd !== undefined) return l;
  }
  return t.header;
}

/** The inputs compared with the run's: by their prints, else (a transcript from before them) by the header's
 *  values where not masked; the secrets such a transcript cannot compare are said, not refused. */
function inputsMoved(t: Transcript, recorded: Partial<RunPlace>, inputs: ResolvedInputs, say: (line: string) => void): string[] {
  const prints = recorded.inputPrints;
  if (prints && typeof prints.salt === 'string' && Array.isArray(prints.prints)) return inputChanges(prints, inputs.values, recordKey());
  const old = unprintedInputChanges(t.header.inputs, inputs.values, inputs.secret);
  // Not passed with a note: a header with its prints deleted reads as one from before them (a probe of stop 66
  // resumed onto another server so), and a value nobody can compare may be another server's.
  const uncompared = old.uncompared.length
    ? [`the transcript holds no fingerprint of ${old.uncompared.map((n) => `'${n}'`).join(', ')} (written before inputs were fingerprinted, or edited), so ${old.uncompared.length === 1 ? 'it' : 'they'} cannot be compared with the run's`]
    : [];
  return [...old.phrases, ...uncompared];
}

/** The client configuration files compared with the run's; a transcript from before them has none to compare.
 *  Each file the run would record now must be in the record: a header whose list was emptied or cut compared
 *  nothing (a probe of stop 69 resumed so into another place). */
function filesMoved(recorded: Partial<RunPlace>, env: NodeJS.ProcessEnv, runbookFile: string | undefined): string[] {
  if (Array.isArray(recorded.clientFiles)) {
    const listed = new Set(recorded.clientFiles.map((f) => f.path));
    const unlisted = clientFilesOf(env, process.cwd(), runbookFile).map((f) => f.path).filter((p) => !listed.has(p));
    const missing = unlisted.length ? [`the transcript does not record ${[...new Set(unlisted)].join(', ')}, which the run would have recorded (edited?), so ${unlisted.length === 1 ? 'it' : 'they'} cannot be compared`] : [];
    return [...missing, ...clientFileChanges(recorded.clientFiles, recorded.envDigest?.key !== undefined)];
  }
  return ['the transcript records no client configuration files (~/.pg_service.conf, ~/.pgpass, ~/.my.cnf, ~/.ssh/config, kubeconfig, /etc/hosts…: written before they were recorded, or edited), so they cannot be compared'];
}

/** A header without the environment's fingerprints compares nothing of it: written before they were, or edited
 *  (a probe of stop 69 deleted them, and the resume acted in another directory a variable named). */
function envUnrecorded(recorded: Partial<RunPlace>): string[] {
  return recorded.envDigest ? [] : ['the transcript records no fingerprint of the run\'s environment (written before it was recorded, or edited), so it cannot be compared'];
}

/** The place the run acts in besides its connections, with the same inputs and client configuration files: the
 *  same, or a refusal naming what moved; --retarget continues there, every destructive step asking again. */
export function checkSamePlace(t: Transcript, env: NodeJS.ProcessEnv, inputs: ResolvedInputs, retarget: boolean, say: (line: string) => void): void {
  const recorded = lastPlace(t);
  const keyed = recorded.envDigest?.key !== undefined;
  // Fingerprints made with another key (another user, another machine) compare with nothing here: said once.
  const otherKey = keyed && recorded.envDigest!.key !== recordKey().id;
  const moved = [
    ...(otherKey
      ? [`the run's environment and client files were fingerprinted with another record key than this user's on this machine (${recordKey().file}): it ran as another user or elsewhere`]
      : [...placeChanges(recorded, placeOf(env, process.cwd(), recorded.envDigest?.salt, keyed)), ...envUnrecorded(recorded), ...filesMoved(recorded, env, t.header.runbook?.file)]),
    ...inputsMoved(t, recorded, inputs, say),
  ];
  if (moved.length === 0) return;
  if (!retarget) {
    throw new UserError(`refusing to resume: this run would act somewhere else than it started; nothing was run: ${moved.join('; ')}. ` +
      `Resume from the same place${recorded.cwd ? ` (cd ${recorded.cwd})` : ''} with the same environment, inputs and client configuration files, or with --retarget (every destructive step asks again).`);
  }
  say(`--retarget: ${moved.join('; ')}; every destructive step asks again`);
}
