// Small helpers every executor shares: how an aborted signal maps to a status, and how any
// error becomes one masked line.
import { serverCodeName } from '../db/errors/table.js';
import type { Classification, ExecContext, StepResult, StepStatus } from './types.js';

/** 'timeout' when the engine aborted for a timeout (reason.name === 'TimeoutError'), else 'aborted'. */
export function abortStatus(signal: AbortSignal): Extract<StepStatus, 'timeout' | 'aborted'> {
  const reason: unknown = signal.reason;
  return reason instanceof Object && (reason as { name?: unknown }).name === 'TimeoutError' ? 'timeout' : 'aborted';
}

const MAX_ERROR = 500;

/** One line, masked, bounded. Codes first: they are what people search for. */
export function errorLine(err: unknown, mask: (s: string) => string): string {
  // Masked before it is made one line and cut: a secret with whitespace inside, or cut at the end, would no
  // longer be one the redactor knows.
  const masked = mask(describe(err)).replace(/\s+/g, ' ').trim() || 'unknown error';
  return masked.length > MAX_ERROR ? `${masked.slice(0, MAX_ERROR - 1)}…` : masked;
}

function describe(err: unknown): string {
  if (typeof err === 'string') return err;
  if (!(err instanceof Object)) return String(err);
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  // Node's dual-stack connect failures are AggregateErrors with an empty message.
  if (!message && Array.isArray(e.errors) && e.errors.length > 0) return e.errors.map(describe).join('; ');
  const code = serverCodeName(e) ?? (typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '');
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The result of an executor that saw its signal abort. */
export function abortedResult(ctx: ExecContext, startedAt: number, extra: Partial<StepResult> = {}): StepResult {
  const status = abortStatus(ctx.signal);
  return {
    ...extra, status, durationMs: Date.now() - startedAt,
    classification: status === 'timeout' ? 'timeout' : extra.classification,
    error: status === 'timeout' ? 'timed out' : 'aborted',
  };
}

export function failedResult(
  ctx: ExecContext, startedAt: number, classification: Classification, err: unknown, extra: Partial<StepResult> = {},
): StepResult {
  return { ...extra, status: 'failed', durationMs: Date.now() - startedAt, classification, error: errorLine(err, ctx.mask) };
}
