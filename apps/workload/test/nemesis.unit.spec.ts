import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlApiClient, type HttpMethod } from '@faultline/contracts';
import { HistoryRecorder } from '@faultline/history';
import { Nemesis } from '../src/nemesis/nemesis';
import { nemesisSchedule } from '../src/nemesis/schedule';

/** A control API that starts drills `drill-1`, `drill-2`, … and refuses the kind `refused`. */
function fakeControl() {
  const calls: [HttpMethod, string, unknown][] = [];
  const control = new ControlApiClient(async (method, path, body) => {
    calls.push([method, path, body]);
    if ((body as { kind?: string } | undefined)?.kind === 'refused') throw new Error('409 busy');
    return method === 'POST' ? { id: `drill-${calls.length}` } : {};
  });
  return { control, calls };
}

describe('the nemesis', () => {
  it('starts each drill with the TTL, heals the ones it started, and records both', async () => {
    const { control, calls } = fakeControl();
    const history = new HistoryRecorder();
    const schedule = nemesisSchedule(
      [
        { kind: 'partition', target: 'pg-primary' },
        { kind: 'kill', target: 'redis-1', afterSeconds: 0.01 },
      ],
      0.04,
    );
    const steps: string[] = [];
    await new Nemesis(control, history).perform(schedule, (step) => steps.push(step.f));

    assert.deepEqual(steps, ['drill', 'drill', 'heal']);
    assert.deepEqual(calls, [
      ['POST', '/drills', { kind: 'partition', target: 'pg-primary', ttlSeconds: 61 }],
      ['POST', '/drills', { kind: 'kill', target: 'redis-1', ttlSeconds: 61 }],
      ['DELETE', '/drills/drill-1', undefined],
      ['DELETE', '/drills/drill-2', undefined],
    ]);
    assert.deepEqual(
      history.history().map((op) => [op.process, op.type, op.f, op.value]),
      [
        ['nemesis', 'invoke', 'drill', { kind: 'partition', target: 'pg-primary' }],
        ['nemesis', 'ok', 'drill', { id: 'drill-1' }],
        ['nemesis', 'invoke', 'drill', { kind: 'kill', target: 'redis-1' }],
        ['nemesis', 'ok', 'drill', { id: 'drill-2' }],
        ['nemesis', 'invoke', 'heal', {}],
        ['nemesis', 'ok', 'heal', {}],
      ],
    );
  });

  it('fails the run when control refuses a drill, and records the refusal', async () => {
    const { control } = fakeControl();
    const history = new HistoryRecorder();
    const schedule = nemesisSchedule([{ kind: 'refused', target: 'pg-0' }], 0.01);
    await assert.rejects(
      new Nemesis(control, history).perform(schedule, () => {}),
      /drill refused pg-0 failed: 409 busy/,
    );
    assert.deepEqual(
      history.history().map((op) => [op.type, op.f, op.error]),
      [
        ['invoke', 'drill', undefined],
        ['fail', 'drill', '409 busy'],
      ],
    );
  });
});
