import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findExecutable } from '../../src/executors/find-executable.js';

describe('findExecutable (the executors\' which)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-which-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const first = join(dir, 'first');
  const second = join(dir, 'second');
  mkdirSync(first);
  mkdirSync(second);
  const tool = (at: string, name: string, mode: number) => { const f = join(at, name); writeFileSync(f, '#!/bin/sh\n'); chmodSync(f, mode); return f; };
  const path = [first, second].join(':');

  it('takes the first executable file on PATH, in PATH order', () => {
    tool(first, 'both', 0o755);
    tool(second, 'both', 0o755);
    assert.equal(findExecutable('both', path), join(first, 'both'));
  });

  it('passes over a file that is not executable, and a directory of that name', () => {
    tool(first, 'plain', 0o644);
    const later = tool(second, 'plain', 0o755);
    mkdirSync(join(first, 'adir'));
    assert.equal(findExecutable('plain', path), later);
    assert.equal(findExecutable('adir', path), undefined);
  });

  it('is undefined when nothing on PATH has the name', () => {
    assert.equal(findExecutable('no-such-tool-here', path), undefined);
    assert.equal(findExecutable('both', join(dir, 'nowhere')), undefined);
  });

  it('checks a name with a slash as it is, without PATH', () => {
    const direct = tool(second, 'direct', 0o755);
    assert.equal(findExecutable(direct, '/nonexistent'), direct);
    assert.equal(findExecutable(join(second, 'missing'), path), undefined);
  });

  it('finds bash on the real PATH, as the shell executor needs', () => {
    assert.match(findExecutable('bash') ?? '', /\/bash$/);
  });
});
