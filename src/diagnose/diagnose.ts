// The layered diagnosis: config → DNS → TCP → TLS → login → writable → pool headroom, stopping at the first layer
// that fails. Each layer is the evidence for the next; the first failure names the runbook. (MySQL/MariaDB over
// TCP: the login runs first and its connection is the TCP and TLS evidence; see login-layers.ts.)
import { Redactor } from '../secrets/redactor.js';
import type { StepResult } from '../executors/types.js';
import { checkHeadroom } from './headroom.js';
import { ProbeRunner } from './probe-runner.js';
import { CONFIG_SCENARIO, POOL_PRESSURE, scenarioOf, TLS_FILE_SCENARIO } from './scenarios.js';
import { checkConfig, type Source } from './source.js';
import { tlsVerdict } from './tls-verdict.js';
import { checkWritable } from './writable.js';
import { checkStartup } from './startup.js';
import { checkSessionSettings } from './session-settings.js';
import { findingOf } from './finding.js';
import { withLimitScope } from './limit-scope.js';
import { addressWalkCheck } from './addresses.js';
import { poolerLoginTimedOut, withPoolerConsole } from './pooler-console.js';
import { againstClientTimeout, loggedInAfterAll, phasesOf } from './phases.js';
import { greetedThenTimedOut, PATIENCE, slowOrSilent } from './slow.js';
import { layersFromLogin, readsLayersFromLogin } from './login-layers.js';
import { withEnvCredentials } from '../db/url-env.js';
import type { LoginTimeline } from '../db/login-timeline.js';
import { peerFinding, readPeer, type Peer } from '../executors/probes/peer.js';
import { socketPath, type ConnectionInfo } from '../db/url.js';
import { LAYERS, type Check, type Diagnosis, type Layer, type Phases } from './types.js';

/** How long a peer read after a failed layer may take (MySQL URLs): a proxy's queue timeout is seconds, and a
 *  silent server costs this on top of the layer's own timeout. */
const LATE_PEER_MS = 3_000;

export interface DiagnoseOptions { timeoutMs: number; redactor?: Redactor }

export async function diagnose(source: Source, opts: DiagnoseOptions): Promise<Diagnosis> {
  const redactor = opts.redactor ?? new Redactor();
  redactor.addUrl(source.url);
  const checks: Check[] = [];
  const config = checkConfig(source);
  // The login's own timeline, whichever layer its failure is reported at (a MySQL login without a greeting: tls).
  let timeline: LoginTimeline | undefined;
  const done = (): Diagnosis => conclude(source, config.ok ? config.info : undefined, checks, redactor, timeline);
  checks.push(config.check);
  if (!config.ok) return done();
  const runner = new ProbeRunner(source.url, opts.timeoutMs, redactor);
  const stopPeer = new AbortController();
  let peer: PeerRead | undefined;
  try {
    const dns = await runner.probe('dns');
    checks.push(fromProbe('dns', dns, () => (dns.details?.socket ? `Unix socket ${String(dns.details.socket)}: no DNS involved`
      : `${config.info.host} → ${list(dns.details?.addresses)}`)));
    if (dns.status !== 'ok') return done();
    // MySQL/MariaDB over TCP: the login first, and the tcp and tls layers read off its connection (login-layers.ts).
    const fromLogin = readsLayersFromLogin(config.info) ? await layersFromLogin(runner, config.info, opts.timeoutMs) : undefined;
    timeline = timelineOf(fromLogin?.login);
    const tcp = fromLogin?.tcp ?? await runner.probe('tcp');
    const tcpCheck = fromProbe('tcp', tcp, () => (tcp.details?.socket ? `Unix socket ${String(tcp.details.socket)} accepts connections`
      : `${config.info.host}:${config.info.port} accepts TCP`) + ` (${String(tcp.details?.connectMs)} ms${fromLogin ? ', the login\'s own connection' : ''})`);
    const addresses = Array.isArray(dns.details?.addresses) ? dns.details.addresses.map(String) : [];
    // The tcp check walked the addresses as the client does; a silent one first is named, and a walk cut off on it
    // ends here even when a later address accepts (the layers above would meet the same wait).
    checks.push(dns.details?.socket ? tcpCheck : await addressWalkCheck(tcpCheck, addresses, config.info.port, opts.timeoutMs));
    if (tcp.status !== 'ok') return done();
    // What answers on the port is read beside the TLS and login layers, not after them, so a silent server costs no
    // more than their timeout; it is consulted only if a layer fails. Not for a MySQL/MariaDB URL: a connection
    // closed after the greeting counts against the host's max_connect_errors, so there it is read only after a layer
    // failed, briefly, and only when the login's own connection got no MySQL packet (else that is the answer).
    const readNow = (ms: number) => readPeer(config.info.host, config.info.port, ms, stopPeer.signal);
    // It listens PATIENCE times the limit: a layer that timed out is "silent" only after a silence longer than the
    // wait, and a server that answers after the limit is slow, named with its time (slow.ts).
    // MySQL's late read: PATIENCE times the limit after a timeout too, or its silence would be claimed unmeasured.
    const patience = opts.timeoutMs * PATIENCE;
    const early = socketPath(config.info) || config.info.engine !== 'postgres' ? undefined : readNow(patience);
    peer = socketPath(config.info) || fromLogin?.reachedMysql ? undefined : (timedOut) => {
      const listenMs = early ? patience : timedOut ? patience : Math.min(opts.timeoutMs, LATE_PEER_MS);
      return { read: early ?? readNow(listenMs), listenMs };
    };
    const tls = fromLogin?.tls ?? tlsVerdict(config.info, await runner.probe('tls'));
    if (tls.status === 'failed') {
      checks.push(await peerCheck(peer, config.info, tls, opts.timeoutMs) ?? tls);
      return done();
    }
    checks.push(tls);
    const login = loggedInAfterAll(fromLogin?.login ?? await runner.probe('db-connect'));
    timeline = timelineOf(login);
    // The server cancelled a statement (only a logged-in session runs one): no connection failure, the session's own limit
    // (the session layer names it).
    const cancelled = login.status !== 'ok' && CANCELLED.has(String(login.details?.sqlState));
    if (login.status !== 'ok' && !cancelled) {
      // A MySQL login read the peer itself where that could tell something (db-connect's whatAnswered).
      const failed = fromProbe('connect', login, () => '');
      // A MySQL login's own connection is the evidence: a greeting came, then the login timed out (greetedThenTimedOut).
      const read = withLimitScope(fromLogin ? greetedThenTimedOut(failed, opts.timeoutMs) : await peerCheck(peer, config.info, failed, opts.timeoutMs) ?? failed);
      // A pooler's queue, or a login that waited though the port answered at once: a full pool or a PAUSEd
      // database behind PgBouncer, which only its console tells apart.
      // PostgreSQL URLs only: PgBouncer pools PostgreSQL, and a MySQL server would answer SHOW DATABASES itself.
      // PgBouncer's own client_login_timeout ("server down") ends a login held by a PAUSE just the same.
      const waited = config.info.engine === 'postgres'
        && (read.classification === 'pooler-wait-timeout' || (read.classification === 'timeout' && typeof read.details?.portAnsweredMs === 'number')
          || (read.classification === 'pooler-backend-down' && poolerLoginTimedOut(login)));
      checks.push(waited ? await withPoolerConsole(read, source.url, config.info.database, opts.timeoutMs, redactor) : read);
      return done();
    }
    checks.push(cancelled ? cancelledLogin(login) : againstClientTimeout(fromProbe('connect', login, () => loginSummary(login)), config.info));
    if (config.info.engine === 'postgres') checks.push(await checkStartup(withEnvCredentials(config.info, process.env), login.details?.tls === true, opts.timeoutMs));
    checks.push(await sessionCheck(config.info, runner, cancelled ? login : undefined));
    const writable = await checkWritable(config.info, runner);
    checks.push(writable);
    if (writable.status === 'failed') return done();
    checks.push(await checkHeadroom(config.info, runner));
    return done();
  } finally {
    stopPeer.abort();
    await runner.close();
  }
}

/** What answers on the port, read for how long: the early read's promise, or a late read started on demand. */
type PeerRead = (timedOut: boolean) => { read: Promise<Peer>; listenMs: number };

/** A TLS or login layer that failed where the peer is not the URL's engine (the other engine, a proxy that
 *  closes, a TLS terminator): that finding replaces the layer's own, which reads as a timeout or a lost link. */
async function peerCheck(peer: PeerRead | undefined, info: ConnectionInfo, failed: Check, timeoutMs: number): Promise<Check | undefined> {
  if (!peer) return undefined;
  const { read, listenMs } = peer(failed.classification === 'timeout');
  const seen = await read;
  const found = peerFinding(seen, info.engine, `${info.host}:${info.port}`);
  if (!found) return failed.classification === 'timeout' ? slowOrSilent(failed, seen, timeoutMs, listenMs) : undefined;
  return { layer: failed.layer, status: 'failed', classification: found.classification, summary: `${found.classification}: ${found.summary}` };
}

function fromProbe(layer: Layer, r: StepResult, ok: () => string): Check {
  const base = { layer, durationMs: r.durationMs, ...(r.details ? { details: r.details } : {}) };
  if (r.status === 'ok') return { ...base, status: 'ok', classification: 'ok', summary: ok() };
  const c = r.classification ?? 'other';
  return { ...base, status: 'failed', classification: c, summary: `${c}: ${r.error ?? r.status}` };
}

/** A statement cancelled by the server's own limit: PostgreSQL 57014, MariaDB 1969 (ER_STATEMENT_TIMEOUT). */
const CANCELLED = new Set(['57014', 'ER_STATEMENT_TIMEOUT']);

function cancelledLogin(r: StepResult): Check {
  return { layer: 'connect', status: 'ok', classification: 'ok', durationMs: r.durationMs, ...(r.details ? { details: r.details } : {}),
    summary: `logged in, but the server cancelled the first statement (${r.durationMs} ms in all): ${r.error ?? ''}` };
}

/** The session layer; where the first statement was cancelled, that is the finding even if the settings read
 *  shows no limit short enough (the limit may come from elsewhere). */
async function sessionCheck(info: ConnectionInfo, runner: ProbeRunner, cancelled: StepResult | undefined): Promise<Check> {
  const check = await checkSessionSettings(info, runner);
  if (!cancelled || check.classification === 'statement-timeout') return check;
  return { ...check, status: 'warn', classification: 'statement-timeout', summary: `statement-timeout: not a connection problem: the server cancelled the login's first statement (${cancelled.error ?? ''}); ${check.summary}` };
}

function loginSummary(r: StepResult): string {
  const d = r.details ?? {};
  return `logged in as ${String(d.user)} to ${String(d.database)} on ${String(d.server)} ${String(d.serverVersion)}`
    + ` (${String(d.connectMs)} ms, TLS ${d.tls ? 'on' : 'off'})`;
}

const list = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : String(v ?? '?'));

const timelineOf = (login: StepResult | undefined): LoginTimeline | undefined => login?.details?.timeline as LoginTimeline | undefined;

function conclude(source: Source, info: ConnectionInfo | undefined, checks: Check[], redactor: Redactor, timeline: LoginTimeline | undefined): Diagnosis {
  const ran = new Set(checks.map((c) => c.layer));
  const all = [...checks, ...LAYERS.filter((l) => !ran.has(l)).map((layer): Check => ({ layer, status: 'skipped', summary: 'not checked' }))];
  const failed = checks.find((c) => c.status === 'failed');
  const pool = checks.find((c) => c.layer === 'pool' && c.status === 'warn');
  // A pooler refusing JDBC's startup parameters: this URL works, a Java application's does not. A role's statement
  // or idle limit: the login works, the application's queries or pooled connections do not. Each names its class.
  const startup = checks.find((c) => c.layer === 'startup' && c.status === 'warn');
  const session = checks.find((c) => c.layer === 'session' && c.status === 'warn');
  // A dead first address of a name, or a login longer than the client's own timeout: diagnose got through, the
  // application's client does not.
  const path = checks.find((c) => (c.layer === 'tcp' || c.layer === 'connect') && c.status === 'warn');
  const warned = path ?? startup ?? session;
  const classification = failed?.classification ?? warned?.classification ?? 'ok';
  const which = failed?.layer === 'config' ? (failed.details?.tlsFile ? TLS_FILE_SCENARIO : CONFIG_SCENARIO)
    : !failed && !warned && pool ? POOL_PRESSURE : scenarioOf(classification);
  const finding = findingOf({ failed, path, startup, session, pool }, classification, checks, info);
  // Data fields only: a layer, a status or a scenario name is never masked, whatever the password is.
  return {
    url: source.url ? redactor.showUrl(source.url) : '(none)', source: source.from, classification,
    scenario: which.scenario, runbook: which.runbook, finding: redactor.mask(finding),
    phases: info ? phasesOf(info, checks, timeline) : {},
    checks: all.map((c) => ({ ...c, summary: redactor.mask(c.summary), ...(c.details ? { details: redactor.maskDeep(c.details) } : {}) })),
  };
}
