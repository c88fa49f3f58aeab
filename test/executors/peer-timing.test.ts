// A port that answers an SSLRequest at once must read as answered in 0 ms or more, never "-1 ms" (a CI run under
// load: the greeting timer fired a millisecond before Date.now() said it was due, and the subtraction of its delay
// went below zero). A real listener on loopback that answers 'N' at once, like PostgreSQL with ssl off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readPeer } from '../../src/executors/probes/peer.js';

test('a port that answers the SSLRequest at once: 100 probes at once, every answeredMs a whole number ≥ 0', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', () => s.write('N'));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    // At once, 100 together: each waits out the greeting delay, and timers that share a tick are where one fires early.
    const peers = await Promise.all(Array.from({ length: 100 }, () => readPeer('127.0.0.1', port, 5_000)));
    for (const peer of peers) {
      assert.equal(peer.kind, 'postgres', peer.said);
      const ms = (peer as { answeredMs?: number }).answeredMs;
      assert.ok(ms !== undefined && Number.isInteger(ms) && ms >= 0, `answeredMs ${ms}`);
    }
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});
