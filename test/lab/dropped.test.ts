// The dropped fault is a TCP-level timeout: connect() itself never completes (unlike the silent server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { injectFault } from '../../src/lab/index.js';

test('dropped: the TCP handshake never completes, and cleanup frees the port', async () => {
  const fault = await injectFault('dropped', 'postgres');
  const port = Number(new URL(fault.url).port);
  try {
    const outcome = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.setTimeout(700, () => { s.destroy(); resolve('timeout'); });
      s.once('connect', () => { s.destroy(); resolve('connected'); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.equal(outcome, 'timeout');
  } finally {
    await fault.cleanup();
  }
  const after = await new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(after, 'ECONNREFUSED', 'nothing listens after cleanup');
});
