// Where the store URL comes from: --store, then RUNBOOK_STORE, then the nearest runbook.config.yaml; a
// password on the command line, a non-PostgreSQL URL and a broken config file are one-line refusals.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findStoreUrl } from '../../src/store/url.js';
import { findSigningKey, findTrust } from '../../src/store/signing.js';
import { scratch } from './helpers.js';

test('flag, then environment, then the nearest config file; none is no store', (t) => {
  const root = scratch(t);
  const deep = join(root, 'team', 'runbooks');
  mkdirSync(deep, { recursive: true });
  assert.equal(findStoreUrl(undefined, {}, deep), undefined);
  writeFileSync(join(root, 'team', 'runbook.config.yaml'), 'store: postgres://ops-db/ops\n');
  assert.deepEqual(findStoreUrl(undefined, {}, deep), { url: 'postgres://ops-db/ops', from: join(root, 'team', 'runbook.config.yaml') });
  assert.equal(findStoreUrl(undefined, { RUNBOOK_STORE: 'postgres://env-db/ops' }, deep)?.url, 'postgres://env-db/ops');
  assert.equal(findStoreUrl('postgres://flag-db/ops', { RUNBOOK_STORE: 'postgres://env-db/ops' }, deep)?.url, 'postgres://flag-db/ops');
});

test('refusals are one line and never repeat a password', (t) => {
  assert.throws(() => findStoreUrl('postgres://alice:s3cret@db/ops', {}), (e: Error) => /must not carry a password/.test(e.message) && !e.message.includes('s3cret'));
  assert.throws(() => findStoreUrl(undefined, { RUNBOOK_STORE: 'mysql://alice:s3cret@db/ops' }), (e: Error) => /must be postgres:\/\//.test(e.message) && !e.message.includes('s3cret'));
  const dir = scratch(t);
  writeFileSync(join(dir, 'runbook.config.yaml'), 'store: [unclosed\n');
  assert.throws(() => findStoreUrl(undefined, {}, dir), /runbook\.config\.yaml:2:1: not valid YAML/);
  writeFileSync(join(dir, 'runbook.config.yaml'), 'store: 42\n');
  assert.throws(() => findStoreUrl(undefined, {}, dir), /'store' must be a postgres:\/\/ URL/);
});

test('the allowed signers: RUNBOOK_ALLOWED_SIGNERS, then allowed_signers: relative to the nearest config file; the signing key must exist', (t) => {
  const root = scratch(t);
  const deep = join(root, 'team', 'runbooks');
  mkdirSync(deep, { recursive: true });
  assert.equal(findTrust({}, deep), undefined);
  writeFileSync(join(root, 'team', 'runbook.config.yaml'), 'allowed_signers: keys/allowed_signers\n');
  assert.throws(() => findTrust({}, deep), /the allowed signers file .*team\/keys\/allowed_signers \(from .*runbook\.config\.yaml\) does not exist/);
  mkdirSync(join(root, 'team', 'keys'));
  writeFileSync(join(root, 'team', 'keys', 'allowed_signers'), '');
  assert.deepEqual(findTrust({}, deep), { file: join(root, 'team', 'keys', 'allowed_signers'), from: join(root, 'team', 'runbook.config.yaml') });
  const mine = join(root, 'mine');
  writeFileSync(mine, '');
  assert.deepEqual(findTrust({ RUNBOOK_ALLOWED_SIGNERS: mine }, deep), { file: mine, from: 'RUNBOOK_ALLOWED_SIGNERS' });
  writeFileSync(join(root, 'team', 'runbook.config.yaml'), `allowed_signers: ${mine}\n`);
  assert.equal(findTrust({}, deep)?.file, mine, 'an absolute path stands as it is');
  assert.equal(findSigningKey({}), undefined);
  assert.throws(() => findSigningKey({ RUNBOOK_SIGNING_KEY: join(root, 'absent') }), /RUNBOOK_SIGNING_KEY names .*absent, which does not exist/);
  writeFileSync(join(root, 'team', 'runbook.config.yaml'), 'allowed_signers: [a]\n');
  assert.throws(() => findTrust({}, deep), /'allowed_signers' must be a path/);
});
