import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nemesisSchedule } from '../src/nemesis/schedule';
import { SCENARIOS, scenarioNamed } from '../src/scenarios/scenarios';

describe('the nemesis schedule', () => {
  it('starts the drills a quarter in, heals half the run later, and ends a quarter after', () => {
    const schedule = nemesisSchedule(scenarioNamed('cp-vs-ap').drills, 20);
    assert.deepEqual(schedule.steps, [
      { atSeconds: 5, f: 'drill', drill: { kind: 'partition', target: 'pg-primary' } },
      { atSeconds: 5, f: 'drill', drill: { kind: 'partition', target: 'redis-1->redis-primary' } },
      { atSeconds: 15, f: 'heal' },
    ]);
    assert.equal(schedule.endSeconds, 20);
  });

  it("waits each drill's afterSeconds after the one before, and heals after the last", () => {
    const schedule = nemesisSchedule(scenarioNamed('pg-failover-async').drills, 24);
    assert.deepEqual(
      schedule.steps.map((s) => [s.f, s.atSeconds, s.f === 'drill' ? s.drill.kind : '']),
      [
        ['drill', 6, 'replication-mode'],
        ['drill', 6, 'partition'],
        ['drill', 10, 'kill'],
        ['heal', 22, ''],
      ],
    );
    assert.equal(schedule.endSeconds, 28);
  });

  it('still heals (nothing) for the baseline, which has no drill', () => {
    const schedule = nemesisSchedule(scenarioNamed('baseline').drills, 60);
    assert.deepEqual(schedule.steps, [{ atSeconds: 45, f: 'heal' }]);
    assert.equal(schedule.endSeconds, 60);
  });

  it("is every scenario's drills in its order, none outliving the run by its TTL before the heal", () => {
    for (const scenario of SCENARIOS) {
      const schedule = nemesisSchedule(scenario.drills, 30);
      const drills = schedule.steps.flatMap((s) => (s.f === 'drill' ? [s.drill] : []));
      assert.deepEqual(
        drills,
        scenario.drills.map(({ afterSeconds: _, ...drill }) => drill),
        scenario.name,
      );
      assert.equal(schedule.steps.at(-1)!.f, 'heal');
      const times = schedule.steps.map((s) => s.atSeconds);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        scenario.name,
      );
      assert.ok(schedule.drillTtlSeconds > schedule.endSeconds, scenario.name);
    }
  });
});
