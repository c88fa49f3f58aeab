// db-connect: a real login with the URL's own settings (sslmode included), SELECT 1, disconnect.
// The classification is the application's problem, in one word.
import { openSession } from '../../db/open.js';
import { sslMode } from '../../db/ssl-options.js';
import { parseUrl, UrlError } from '../../db/url.js';
import { withEnvCredentials } from '../../db/url-env.js';
import { probeFailed, probeOk } from './probe-result.js';
import { deadline } from './socket.js';
import type { Session } from '../../db/session.js';
import type { ExecContext, ProbeAction, StepResult } from '../types.js';

export async function dbConnectProbe(action: ProbeAction, ctx: ExecContext, env?: Record<string, string | undefined>): Promise<StepResult> {
  const startedAt = Date.now();
  let details: Record<string, unknown> = {};
  const limit = deadline(ctx.signal, action.timeoutMs, 'db-connect');
  let session: Session | undefined;
  try {
    if (!action.url) throw new UrlError('the db-connect probe needs a connection url');
    const info = withEnvCredentials(parseUrl(action.url), env ?? process.env); // details name the user that logs in
    details = { engine: info.engine, host: info.host, port: info.port, database: info.database, user: info.user, sslmode: sslMode(info) };
    session = await openSession(info, { timeoutMs: action.timeoutMs, signal: limit.signal, ...(env ? { env } : {}) });
    const connectMs = Date.now() - startedAt;
    await session.ping(limit.signal);
    details = {
      ...details, connectMs, server: session.flavour, serverVersion: session.serverVersion,
      backendId: session.backendId, tls: session.tls !== null,
    };
    return probeOk(startedAt, details);
  } catch (err) {
    return probeFailed(ctx, startedAt, err, details);
  } finally {
    await session?.close();
    limit.dispose();
  }
}
