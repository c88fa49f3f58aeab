// `runbook demo <scenario>`: a throwaway local database with a real fault, and the built-in runbook run
// against it exactly as `runbook run` would (same UI, gates, transcript). The server is removed on every
// exit path: finally here, plus the lab's own exit and signal hooks.
import { injectFault, startBusyPooler, startServer, type FaultKind, type InjectedFault, type LabEngine } from '../../lab/index.js';
import { defaultTranscriptPath } from '../../transcript/paths.js';
import { maskUrl } from '../../db/url.js';
import { UserError } from '../../common/errors.js';
import { loadRunbook } from '../../catalog/load-runbook.js';
import { prepareRun } from '../prepare-run.js';
import { sayError, sayRows } from '../say.js';

export interface DemoFlags {
  engine: string;
  plain?: boolean;
  yes?: boolean;
  approve: string[];
  transcript?: string | false;
}

interface Scenario {
  fault: FaultKind;
  runbook: string;
  /** Runbook inputs for this fault; the URL an application would have comes first. */
  inputs(f: InjectedFault): Record<string, string>;
  note?: string;
  /** Builds the target itself instead of injectFault (the pooler scenario: PgBouncer in front of PostgreSQL). */
  start?(engine: LabEngine): Promise<DemoTarget>;
}

/** What a scenario started: the fault's description, the URL that now fails, the runbook's inputs. */
interface DemoTarget { describe: string; url: string; inputs: Record<string, string>; note?: string; cleanup(): Promise<void> }

/**
 * PgBouncer (session pooling, default_pool_size 2) in front of a throwaway PostgreSQL: two clients hold the
 * pool's two server connections inside open transactions and a third waits (SHOW POOLS cl_waiting 1). The
 * runbook reads the console, then terminates the holders' transactions in the database behind a gate.
 */
async function startPoolerDemo(engine: LabEngine): Promise<DemoTarget> {
  if (engine !== 'postgres') throw new UserError('the pooler demo is PgBouncer in front of PostgreSQL: leave out --engine or use --engine postgres');
  const backend = await startServer('postgres');
  try {
    const busy = await startBusyPooler(backend, { poolSize: 2, waiting: 1, queryWaitTimeout: 300 });
    return {
      describe: `PgBouncer on 127.0.0.1:${busy.pooler.port} (pool_mode session, default_pool_size 2) in front of PostgreSQL on 127.0.0.1:${backend.port}: `
        + 'both server connections are held by clients idle in a transaction, and one more client waits for one',
      url: busy.url,
      inputs: {
        url: backend.adminUrl(), pooler_admin_url: busy.pooler.adminUrl(), app_url: busy.url,
        // The holders' transactions were opened seconds ago: any age counts. No connection math for this demo.
        idle_tx_minutes: '0', app_processes: '0',
      },
      note: 'The runbook reads PgBouncer\'s admin console (SHOW only) and the database as the lab superuser.',
      cleanup: () => busy.cleanup().finally(() => backend.stop()),
    };
  } catch (err) {
    await backend.stop();
    throw err;
  }
}

export const SCENARIOS: Record<string, Scenario> = {
  'pool-exhausted': {
    fault: 'too-many-connections',
    runbook: 'pool-exhausted',
    inputs: (f) => ({
      url: f.server!.adminUrl(), app_url: f.url,
      // The lab's sessions were opened seconds ago: any age counts. The "app" is 2 processes whose pools hold them all.
      idle_minutes: '0', idle_tx_minutes: '0',
      app_processes: '2', pool_size: String(Math.max(1, Math.floor((f.held?.opened ?? 2) / 2))), max_overflow: '0', other_connections: '0',
    }),
    note: 'The runbook connects as the lab superuser through a reserved slot, as you would in an incident.',
  },
  refused: { fault: 'refused', runbook: 'refused', inputs: (f) => ({ url: f.url }) },
  timeout: { fault: 'timeout', runbook: 'timeout', inputs: (f) => ({ url: f.url }) },
  auth: { fault: 'auth', runbook: 'auth', inputs: (f) => ({ url: f.url, admin_url: f.server!.adminUrl() }) },
  ssl: { fault: 'ssl-required', runbook: 'ssl', inputs: (f) => ({ url: f.url }) },
  pooler: { fault: 'none', runbook: 'pool-exhausted', inputs: () => ({}), start: startPoolerDemo },
};

async function startTarget(scenario: Scenario, engine: LabEngine): Promise<DemoTarget> {
  if (scenario.start) return scenario.start(engine);
  const fault = await injectFault(scenario.fault, engine);
  return { describe: fault.describe, url: fault.url, inputs: scenario.inputs(fault), ...(scenario.note ? { note: scenario.note } : {}), cleanup: () => fault.cleanup() };
}

export async function demoCommand(name: string, flags: DemoFlags): Promise<number> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new UserError(`no demo scenario '${name}': choose one of ${Object.keys(SCENARIOS).join(', ')}`);
  const engine = labEngine(flags.engine);
  const { runbook, warnings } = loadRunbook(scenario.runbook);
  for (const w of warnings) sayError(`${w}\n`);
  say(scenario.start
    ? `Starting a throwaway ${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'} on 127.0.0.1 with the '${name}' scenario…`
    : `Starting a throwaway ${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'} on 127.0.0.1 and injecting '${scenario.fault}'…`);
  const target = await startTarget(scenario, engine);
  try {
    say(`Fault: ${target.describe}`);
    say(`The application's URL now fails: ${maskUrl(target.url)}`);
    if (target.note) say(target.note);
    const transcript = flags.transcript === false ? false : flags.transcript ?? defaultTranscriptPath(runbook.doc.name);
    say(`Running 'runbook run ${runbook.doc.name}' against it. The server is deleted when the demo ends.`, '');
    const inputs = Object.entries(target.inputs).map(([k, v]) => `${k}=${v}`);
    const session = await prepareRun(runbook, { input: inputs, approve: flags.approve, plain: flags.plain, yes: flags.yes, transcript });
    const code = await session.execute();
    if (transcript) say('', `Transcript: ${transcript}  (runbook report ${transcript})`);
    return code;
  } finally {
    await target.cleanup();
    say('Demo database stopped and removed.');
  }
}

function labEngine(text: string): LabEngine {
  if (text === 'postgres' || text === 'postgresql') return 'postgres';
  if (text === 'mariadb' || text === 'mysql') return 'mariadb';
  throw new UserError(`--engine takes postgres or mariadb, got '${text}'`);
}

/** A row each (a server's description, a URL, a path: their line breaks drawn, never rows). */
function say(...rows: string[]): void {
  sayRows(rows);
}
