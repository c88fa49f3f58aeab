// Real, idle application connections that fill a server's ordinary connection slots.
// The server (or a runbook) may terminate them at any time: every client has an 'error'
// listener so that never crashes the process.
import mysql from 'mysql2';
import pg from 'pg';
import type { HeldConnections, LabEngine } from './types.js';

interface Held {
  close(): Promise<void>;
  isAlive(): boolean;
}

/** Driver error codes meaning "no free connection slot". */
const SLOTS_FULL = new Set(['53300', 'ER_CON_COUNT_ERROR']);

/**
 * Opens up to `count` connections with `url`. Stops early, without error, if the server
 * already refuses for lack of slots (other sessions may hold some).
 */
export async function holdConnections(engine: LabEngine, url: string, count: number): Promise<HeldConnections> {
  const held: Held[] = [];
  for (let i = 0; i < count; i++) {
    try {
      held.push(engine === 'postgres' ? await holdPg(url) : await holdMaria(url));
    } catch (err) {
      if (SLOTS_FULL.has((err as { code?: string }).code ?? '')) break;
      await Promise.all(held.map((h) => h.close()));
      throw err;
    }
  }
  let releasing: Promise<void> | undefined;
  return {
    opened: held.length,
    alive: () => held.filter((h) => h.isAlive()).length,
    release: () => (releasing ??= Promise.all(held.map((h) => h.close())).then(() => undefined)),
  };
}

type Unrefable = { unref?: () => void } | undefined;

async function holdPg(url: string): Promise<Held> {
  const client = new pg.Client({ connectionString: url });
  let alive = false;
  client.on('error', () => (alive = false));
  client.on('end', () => (alive = false));
  await client.connect();
  alive = true;
  // A forgotten fault must not keep the process alive.
  (client as unknown as { connection?: { stream?: Unrefable } }).connection?.stream?.unref?.();
  return {
    isAlive: () => alive,
    close: () => withTimeout(client.end().catch(() => undefined), 2_000),
  };
}

function holdMaria(url: string): Promise<Held> {
  const conn = mysql.createConnection(url);
  let alive = false;
  conn.on('error', () => (alive = false));
  conn.on('end', () => (alive = false));
  return new Promise((resolve, reject) => {
    conn.connect((err) => {
      if (err) {
        conn.destroy();
        return reject(err);
      }
      alive = true;
      (conn as unknown as { stream?: Unrefable }).stream?.unref?.();
      resolve({ isAlive: () => alive, close: async () => conn.destroy() });
    });
  });
}

/** pg's end() can wait on a dead socket; never let cleanup hang. */
function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([p.then(() => undefined), t]).finally(() => clearTimeout(timer));
}
