// Claiming a run as its driver (migrations.ts, V2): a new run, the same driver after a reconnect, a new process
// continuing it (refused while another holds it), or an explicit takeover. One line for each refusal.
import { hostname } from 'node:os';
import type { StoreClient } from './client.js';

export type ClaimMode = 'start' | 'rejoin' | 'resume' | 'push' | 'takeover' | 'check';

/** How long a driver's last confirmation lets it act: a takeover waits out what is left of it. */
export const LEASE_MS = 1000;

export interface RunHead { runId: string; runbook: string; sha256: string }

export interface Claim { epoch: number; waitMs: number }

export async function claimRun(client: StoreClient, head: RunHead, mode: ClaimMode, epoch?: number): Promise<Claim> {
  const rows = await client.query<{ epoch: number; wait_ms: number }>('SELECT epoch, wait_ms FROM runbook.claim_run($1, $2, $3, $4, $5, $6, $7)',
    [head.runId, head.runbook, head.sha256, hostname(), mode, epoch ?? null, LEASE_MS]);
  return { epoch: rows[0]!.epoch, waitMs: rows[0]!.wait_ms };
}

/** The codes of a claim or write this driver may not make: taken over (RB009), another's run (RB008, before
 *  schema 6), another driver alive (RB010), not allowed to take runs over (RB014), the run ended (RB015). */
export const LOST = new Set(['RB008', 'RB009', 'RB010', 'RB014', 'RB015']);

type HeaderFields = { type?: string; runId?: unknown; runbook?: { name?: string; sha256?: string } };

/** The run's head from a transcript's header (read already, or a line of text). */
export function headOfHeader(h: HeaderFields): RunHead | undefined {
  if (h.type !== 'header' || typeof h.runId !== 'string') return undefined;
  return { runId: h.runId, runbook: h.runbook?.name ?? '', sha256: h.runbook?.sha256 ?? '' };
}

export function headOf(text: string): RunHead | undefined {
  try { return headOfHeader(JSON.parse(text) as HeaderFields); } catch { return undefined; }
}
