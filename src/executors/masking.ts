// The engine's mask knows the run's declared secrets; a URL handed to an executor may carry a
// password it was never told about (a default, an env var). Mask that too.
import { parseUrl } from '../db/url.js';
import { Redactor } from '../secrets/redactor.js';
import type { ExecContext } from './types.js';

export function maskingAlso(ctx: ExecContext, secrets: string[]): ExecContext {
  const local = new Redactor();
  for (const s of secrets) local.add(s); // also adds the URL-encoded forms
  if (local.size === 0) return ctx;
  return { ...ctx, mask: (text) => local.mask(ctx.mask(text)) };
}

/** The password of a URL, even of one too malformed to parse. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { password } = parseUrl(url);
    return password ? [password] : [];
  } catch {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:(.*)@[^@]*$/is.exec(url); // up to the last '@'
    return m?.[1] ? [m[1]] : [];
  }
}
