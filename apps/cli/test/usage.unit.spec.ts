import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCENARIOS } from '../../workload/src/scenarios/scenarios';
import { DRILL_KINDS } from '../../control/src/drills/drill';
import { faultline } from './run-cli';

describe('faultline help', () => {
  it('names every scenario the workload runs and every drill kind control knows', async () => {
    const run = await faultline({}, 'help');
    assert.equal(run.code, 0, run.stderr);
    for (const { name } of SCENARIOS) assert.match(run.stdout, new RegExp(`\\b${name}\\b`), name);
    for (const kind of DRILL_KINDS)
      assert.match(run.stdout, new RegExp(`^\\s+${kind} `, 'm'), kind);
  });

  it('answers an unknown command with the usage exit code, 2', async () => {
    const run = await faultline({}, 'launch');
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim(), 'faultline: unknown command launch; see `faultline help`');
  });
});
