// `runbook diagnose [url]`: walk the connection layers, print what broke and which runbook fixes it;
// --run starts that runbook with the same URL.
import { toMs } from '../../engine/duration.js';
import { diagnose } from '../../diagnose/diagnose.js';
import { diagnosisRows } from '../../diagnose/render.js';
import { findSource } from '../../diagnose/source.js';
import { Redactor } from '../../secrets/redactor.js';
import { EXIT, UserError } from '../../common/errors.js';
import { say, sayError, sayJson, sayRows } from '../say.js';
import { VIA_SSH_ENV } from '../../diagnose/ssh-vantage.js';
import type { SshRoute } from '../../diagnose/ssh-route.js';
import type { Diagnosis } from '../../diagnose/types.js';
import type { PlaceName } from '../../diagnose/vantage-render.js';

export interface DiagnoseFlags {
  json?: boolean;
  run?: boolean;
  timeout: string;
  plain?: boolean;
  yes?: boolean;
  approve: string[];
  transcript?: string | false;
  /** Where the database runs: the host-side checks (the db-host runbook) run there after the network checks. */
  dbSsh?: string;
  sshConfig?: string;
  dbPod?: string;
  dbNamespace?: string;
  dbContainer?: string;
  /** Probe from where the application runs: its network namespace, hosts file and resolver (diagnose/vantage.ts). */
  fromPid?: string;
  /** The same from a container, found by its runtime (diagnose/container-pid.ts). */
  fromContainer?: string;
  /** The same from a Kubernetes pod's container on this node, found by its cgroup (diagnose/pod-pid.ts). */
  fromPod?: string;
  /** The same with every connection opened by another host over SSH (diagnose/ssh-vantage.ts). */
  fromSsh?: string;
}

/** The host flags as runbook inputs (the built-ins and db-host declare these names). */
function hostInputs(flags: DiagnoseFlags): string[] {
  // --ssh-config alone is --from-ssh's: the host checks take it only beside --db-ssh.
  const pairs: [string, string | undefined][] = [['db_ssh', flags.dbSsh], ['ssh_config', flags.dbSsh !== undefined ? flags.sshConfig : undefined], ['db_pod', flags.dbPod],
    ['db_namespace', flags.dbNamespace], ['db_container', flags.dbContainer]];
  return pairs.flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
}

export async function diagnoseCommand(url: string | undefined, flags: DiagnoseFlags): Promise<number> {
  const source = findSource(url);
  if (!source) throw new UserError('no database URL: pass one, or set DATABASE_URL (or PGHOST/PGUSER/…, MYSQL_HOST/MYSQL_USER/…)');
  const timeoutMs = parseTimeout(flags.timeout);
  const host = hostInputs(flags);
  if (host.length && flags.json) throw new UserError('the host checks (--db-ssh, --db-pod, --db-container) print step by step; leave out --json, or run: runbook run db-host --plain');
  const redactor = new Redactor();
  // This process is the probes of `--from-ssh` (ssh-vantage.ts started it): its connections are the host's.
  const via = process.env[VIA_SSH_ENV];
  if (via) (await import('../../diagnose/ssh-route.js')).routeThroughSsh(JSON.parse(via) as SshRoute);
  const places = [flags.fromPid, flags.fromContainer, flags.fromPod, flags.fromSsh].filter((f) => f !== undefined).length;
  if (places > 1) throw new UserError('--from-pid, --from-container, --from-pod and --from-ssh name one place each: give one');
  if (flags.fromSsh !== undefined) return fromSsh(flags.fromSsh, source, flags, timeoutMs, redactor);
  if (places) return fromVantage(flags, source, timeoutMs, redactor);
  const result = await diagnose(source, { timeoutMs, redactor });
  // Server and driver messages are data: shown terminal-safe (common/terminal-text.ts).
  // A row each: a server's message or a host's name is one row whatever it holds (ui/flat-row.ts).
  if (flags.json) sayJson(result); else sayRows(diagnosisRows(result, !flags.run), 4);
  const code = result.scenario === 'healthy' ? EXIT.ok : EXIT.runFailed;
  if (host.length) await hostChecks(host, source.url);
  if (!flags.run || !result.runbook) return code;
  sayRows(['', `Starting runbook '${result.runbook}'…`]);
  const [{ loadRunbook }, { prepareRun }] = await engine();
  const { runbook, warnings } = loadRunbook(result.runbook);
  for (const w of warnings) sayError(`${w}\n`);
  // The host flags go on to the runbook where it takes them (pool-exhausted, say, does not).
  const declared = new Set(Object.keys(runbook.doc.inputs ?? {}));
  // What diagnose found that the runbook asks for: the startup parameter a pooler refused (pooler-config).
  const parameter = result.checks.find((c) => c.layer === 'startup')?.details?.parameter;
  const found = typeof parameter === 'string' ? [`parameter=${parameter}`] : [];
  const session = await prepareRun(runbook, {
    input: [`url=${source.url}`, ...[...host, ...found].filter((pair) => declared.has(pair.slice(0, pair.indexOf('='))))],
    approve: flags.approve, plain: flags.plain, yes: flags.yes,
    ...(flags.transcript !== undefined ? { transcript: flags.transcript } : {}),
  });
  return session.execute();
}

type FoundSource = NonNullable<ReturnType<typeof findSource>>;

/** The probes from the application's place (a process or a container) and from here. */
async function fromVantage(flags: DiagnoseFlags, source: FoundSource, timeoutMs: number, redactor: Redactor): Promise<number> {
  refuseRun(flags, flags.fromContainer !== undefined ? '--from-container' : flags.fromPod !== undefined ? '--from-pod' : '--from-pid');
  const { diagnoseFrom, withApplicationFiles } = await import('../../diagnose/vantage.js');
  const { processPlace } = await import('../../diagnose/vantage-render.js');
  const { url, vantage } = withApplicationFiles(await placeOf(flags), source.url);
  return sideBySide(vantage, processPlace(vantage), diagnoseFrom(vantage, url, flags.timeout, process.argv[1]!), source, flags, timeoutMs, redactor);
}

/** The probes with another host's connections and names, and from here. */
async function fromSsh(destination: string, source: FoundSource, flags: DiagnoseFlags, timeoutMs: number, redactor: Redactor): Promise<number> {
  refuseRun(flags, '--from-ssh');
  const { refuseSocketUrl, sshRouteOf, withHostFiles, diagnoseOverSsh, sshPlace } = await import('../../diagnose/ssh-vantage.js');
  refuseSocketUrl(source.url, destination);
  const route = sshRouteOf(destination, flags.sshConfig);
  const { url, vantage, cleanup } = withHostFiles(route, source.url);
  try {
    return await sideBySide(vantage, sshPlace(vantage), diagnoseOverSsh(route, url, flags.timeout, process.argv[1]!, destination), source, flags, timeoutMs, redactor);
  } finally { cleanup(); }
}

function refuseRun(flags: DiagnoseFlags, flag: string): void {
  if (flags.run) throw new UserError(`${flag} shows where the application stands; run the runbook it names from here: leave out --run`);
}

/** The diagnosis from the application's place beside the one from here; the exit code is the application's. */
async function sideBySide(from: object, place: PlaceName, there: Promise<Diagnosis>, source: FoundSource, flags: DiagnoseFlags, timeoutMs: number, redactor: Redactor): Promise<number> {
  const { renderVantage, differences } = await import('../../diagnose/vantage-render.js');
  const [t, here] = await Promise.all([there, diagnose(source, { timeoutMs, redactor })]);
  if (flags.json) sayJson({ from, there: t, here, differs: t.classification !== here.classification || differences(t, here).length > 0 });
  else sayRows(renderVantage(place, t, here), 4);
  return t.scenario === 'healthy' ? EXIT.ok : EXIT.runFailed;
}

/** The process the probes run beside: the pid given, or the first process of the container or the pod's container. */
async function placeOf(flags: DiagnoseFlags) {
  const { vantageOf } = await import('../../diagnose/vantage.js');
  if (flags.fromPod !== undefined) {
    const { podOf } = await import('../../diagnose/pod-pid.js');
    const { pid, ...pod } = podOf(flags.fromPod);
    return { ...vantageOf(pid, `--from-pod ${flags.fromPod}`), pod };
  }
  if (flags.fromContainer === undefined) return vantageOf(Number(flags.fromPid));
  const { containerOf } = await import('../../diagnose/container-pid.js');
  const c = containerOf(flags.fromContainer);
  return { ...vantageOf(c.pid, `--from-container ${c.name}`), container: { name: c.name, runtime: c.runtime, id: c.id } };
}

// Loaded only for the host checks and --run: the diagnosis itself needs neither the runbook language nor the engine.
const engine = () => Promise.all([import('../../catalog/load-runbook.js'), import('../prepare-run.js')]);

/** The db-host runbook (reads only) on the database host, in plain mode, with no transcript: evidence, not a run. */
async function hostChecks(host: string[], url: string): Promise<void> {
  say(`\nHost-side checks where the database runs (runbook db-host):\n`);
  const [{ loadRunbook }, { prepareRun }] = await engine();
  const { parseUrl } = await import('../../db/url.js');
  let port: number | undefined;
  try { port = parseUrl(url).port; } catch { port = undefined; }
  const session = await prepareRun(loadRunbook('db-host').runbook, {
    input: [...host, ...(port !== undefined ? [`port=${port}`] : [])], approve: [], plain: true, transcript: false,
  });
  await session.execute();
}

/** Seconds (`5`, `2.5`) or a duration (`500ms`, `5s`, `1m`). */
function parseTimeout(text: string): number {
  const ms = toMs(/^[0-9.]+$/.test(text) ? Number(text) : text, Number.NaN);
  if (!Number.isFinite(ms) || ms <= 0) throw new UserError(`--timeout takes seconds or a duration such as 5s or 500ms, got '${text}'`);
  return ms;
}
