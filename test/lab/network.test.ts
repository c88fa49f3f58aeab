// Faults with no database behind them: nothing listening, and a server that never answers.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { injectFault, startSilentServer } from '../../src/lab/index.js';
import { myConnectError, pgConnectError, TIMEOUT_MS } from './helpers.js';

function tcpError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(undefined)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

describe('network faults', () => {
  it('refused: ECONNREFUSED on both engines, loopback URL', async () => {
    const pgFault = await injectFault('refused', 'postgres');
    assert.match(pgFault.url, /^postgres:\/\/app_user:[^@]+@127\.0\.0\.1:\d+\/app_db$/);
    const pgErr = await pgConnectError(pgFault.url);
    assert.equal(pgErr.code, 'ECONNREFUSED');
    assert.match(pgErr.message, /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

    const myFault = await injectFault('refused', 'mariadb');
    assert.match(myFault.url, /^mysql:\/\/app_user:[^@]+@127\.0\.0\.1:\d+\/app_db$/);
    const myErr = await myConnectError(myFault.url);
    assert.equal(myErr.code, 'ECONNREFUSED');
    assert.equal(myErr.errno, -111);
    await Promise.all([pgFault.cleanup(), myFault.cleanup()]);
  });

  it('timeout (pg): the client connect timeout fires with "timeout expired"', async () => {
    const fault = await injectFault('timeout', 'postgres');
    try {
      const started = Date.now();
      const err = await pgConnectError(fault.url, TIMEOUT_MS);
      const elapsed = Date.now() - started;
      assert.equal(err.message, 'timeout expired');
      assert.equal(err.code, undefined);
      // At least the 500 ms connect timeout (load cannot make it shorter): the timer fired, nothing else.
      // The upper bound is a hang guard: idle value ~0.5 s; a silent server never answers at all.
      assert.ok(elapsed >= 450 && elapsed < 30_000, `took ${elapsed} ms`);
    } finally {
      await fault.cleanup();
    }
  });

  it('timeout (mariadb): ETIMEDOUT "connect ETIMEDOUT"', async () => {
    const fault = await injectFault('timeout', 'mariadb');
    try {
      const err = await myConnectError(fault.url, TIMEOUT_MS);
      assert.equal(err.code, 'ETIMEDOUT');
      assert.equal(err.message, 'connect ETIMEDOUT');
    } finally {
      await fault.cleanup();
    }
  });

  it('the silent server accepts TCP, never writes, and is gone after close', async () => {
    const silent = await startSilentServer();
    const sock = connect(silent.port, '127.0.0.1');
    sock.on('error', () => undefined);
    await new Promise((r) => sock.once('connect', r));
    let bytes = 0;
    sock.on('data', (d) => (bytes += d.length));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(bytes, 0);
    assert.equal(silent.accepted(), 1);
    await silent.close();
    assert.equal(await tcpError(silent.port), 'ECONNREFUSED');
    sock.destroy();
  });
});
