// The operator's name for "confirmed by": never the placeholder while the OS knows the account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { operatorName } from '../../src/common/operator-name.js';

test('operator: $USER, then $LOGNAME, then the OS account, then the placeholder', () => {
  assert.equal(operatorName({ USER: 'alice', LOGNAME: 'bob' }, () => 'carol'), 'alice');
  assert.equal(operatorName({ USER: ' ', LOGNAME: 'bob' }, () => 'carol'), 'bob');
  assert.equal(operatorName({}, () => 'carol'), 'carol');
  assert.equal(operatorName({}), userInfo().username, 'the real account when the environment names nobody');
  assert.equal(operatorName({}, () => { throw new Error('ENOENT: no passwd entry'); }), 'operator');
});
