// TCP plumbing for the tcp and tls probes, all bound to one deadline signal.
import net from 'node:net';
import { timeoutError } from '../../db/abort.js';

/** Aborts on the engine's signal, or with a TimeoutError (classified 'timeout') after `ms`. */
export function deadline(outer: AbortSignal, ms: number, what: string): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(outer.reason);
  const timer = setTimeout(() => ac.abort(timeoutError(`${what}: no answer within ${ms} ms`)), ms);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ac.signal,
    dispose: () => { clearTimeout(timer); outer.removeEventListener('abort', onAbort); },
  };
}

/** Connects to the target's Unix socket, or to host:port over TCP. */
export function connectTarget(target: { host: string; socket?: string }, port: number, signal: AbortSignal): Promise<net.Socket> {
  return connectTcp(target.host, port, signal, target.socket);
}

/** Connects or rejects with the socket error or the signal's reason. */
export function connectTcp(host: string, port: number, signal: AbortSignal, path?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = path ? net.connect({ path }) : net.connect({ host, port });
    const finish = (err?: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', finish);
      if (err === undefined) return resolve(socket);
      socket.destroy();
      reject(err);
    };
    const onAbort = (): void => finish(signal.reason);
    socket.once('connect', () => finish());
    socket.on('error', finish);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads exactly `n` bytes; rejects on close, error or abort. */
export function readBytes(socket: net.Socket, n: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.pause();
      socket.off('data', onData).off('error', onError).off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < n) return;
      cleanup();
      if (buffered.length > n) socket.unshift(buffered.subarray(n));
      resolve(buffered.subarray(0, n));
    };
    const onError = (err: Error): void => { cleanup(); reject(err); };
    const onClose = (): void => {
      cleanup();
      reject(Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' }));
    };
    const onAbort = (): void => { cleanup(); reject(signal.reason); };
    if (signal.aborted) return onAbort();
    socket.on('data', onData).on('error', onError).on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.resume();
  });
}
