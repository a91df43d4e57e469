import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { BadRequestException, ConflictException, HttpException } from '@nestjs/common';
import type { LockMode, ScenarioName } from '@faultline/contracts';
import type { WorkloadEnvironment } from '../src/config/workload-environment';
import { RunsService } from '../src/runs/runs.service';
import { ScenarioRun } from '../src/runs/scenario-run';

/** The core topology's environment; `labs` adds a lab's URLs (none of them is ever called). */
const environment = (labs: Partial<WorkloadEnvironment> = {}): WorkloadEnvironment => ({
  PAYMENTS_URL: 'http://127.0.0.1:1',
  CATALOG_A_URL: 'http://127.0.0.1:2',
  CATALOG_B_URL: 'http://127.0.0.1:3',
  ORDERS_URL: 'http://127.0.0.1:4',
  CONTROL_URL: 'http://127.0.0.1:5',
  FAULTLINE_ADMIN_TOKEN: 'token',
  FAULTLINE_REPORTS_DIR: '/nonexistent/reports',
  WORKLOAD_BACKGROUND_RATE: 0,
  WORKLOAD_SCENARIO_RATE: 5,
  CATALOG_ORDERING: 'wall',
  REDIS_MIN_REPLICAS_TO_WRITE: 0,
  ...labs,
});

const CONSENSUS = {
  LEDGER_A_URL: 'http://127.0.0.1:6',
  LEDGER_B_URL: 'http://127.0.0.1:7',
  ETCD_MEMBERS: 'etcd-0=http://127.0.0.1:8',
};
const QUORUM = { CARTS_A_URL: 'http://127.0.0.1:8', CARTS_B_URL: 'http://127.0.0.1:9' };

/** The run a start refused: the status and message of what it threw. */
function refusal(
  env: WorkloadEnvironment,
  name: ScenarioName,
  lock?: LockMode,
): { status: number; message: string } {
  try {
    new RunsService(env).start(name, 10, 1, lock);
  } catch (err) {
    assert.ok(err instanceof HttpException, String(err));
    return { status: err.getStatus(), message: err.message };
  }
  assert.fail(`${name} started`);
}

describe('starting a run', () => {
  // A start that got past its checks would execute a run against the services: none may,
  // so execute is stubbed and counted.
  let executed: ReturnType<typeof mock.method>;
  beforeEach(() => {
    executed = mock.method(ScenarioRun.prototype, 'execute', async () => undefined);
  });
  afterEach(() => mock.restoreAll());

  it('refuses a lock for any scenario but lock-pause (400), whatever labs run', () => {
    const env = environment({ ...CONSENSUS, ...QUORUM });
    for (const name of ['baseline', 'cp-vs-ap', 'quorum', 'hinted-handoff'] as const) {
      assert.deepEqual(refusal(env, name, 'redlock'), {
        status: 400,
        message: `lock applies to the consensus lab's lock-pause, not to ${name}`,
      });
    }
    // Before the lab check: the request itself is wrong, whether or not the lab runs.
    assert.equal(refusal(environment(), 'quorum', 'etcd-lease').status, 400);
    assert.throws(
      () => new RunsService(environment()).start('baseline', 10, 1, 'etcd-fenced'),
      BadRequestException,
    );
    assert.equal(executed.mock.callCount(), 0);
  });

  it('refuses lock-pause without both ledger instances (409), naming how to start the consensus lab', () => {
    const needsLab =
      'scenario lock-pause needs the consensus lab, which this topology does not run: ' +
      'start it with `faultline up --lab consensus`';
    const partial = [
      {},
      { LEDGER_A_URL: CONSENSUS.LEDGER_A_URL },
      { LEDGER_B_URL: CONSENSUS.LEDGER_B_URL },
      QUORUM,
    ];
    for (const labs of partial) {
      for (const lock of [undefined, 'etcd-fenced'] as const) {
        assert.deepEqual(refusal(environment(labs), 'lock-pause', lock), {
          status: 409,
          message: needsLab,
        });
      }
    }
    assert.throws(
      () => new RunsService(environment()).start('lock-pause', 10, 1),
      ConflictException,
    );
    assert.equal(executed.mock.callCount(), 0);
  });

  it('refuses the quorum lab’s scenarios without both carts instances (409), naming how to start the lab', () => {
    const partial = [
      {},
      { CARTS_A_URL: QUORUM.CARTS_A_URL },
      { CARTS_B_URL: QUORUM.CARTS_B_URL },
      CONSENSUS,
    ];
    for (const name of ['quorum', 'ring-skew-lww', 'hinted-handoff'] as const) {
      for (const labs of partial) {
        assert.deepEqual(refusal(environment(labs), name), {
          status: 409,
          message:
            `scenario ${name} needs the quorum lab, which this topology does not run: ` +
            'start it with `faultline up --lab quorum`',
        });
      }
    }
    assert.equal(executed.mock.callCount(), 0);
  });

  it('accepts each scenario where its lab runs, lock-pause with its lock (the run itself stubbed)', () => {
    const lockPause = new RunsService(environment(CONSENSUS)).start(
      'lock-pause',
      10,
      1,
      'etcd-fenced',
    );
    assert.equal(lockPause.lock, 'etcd-fenced');
    assert.equal(lockPause.scenario.name, 'lock-pause');
    assert.equal(
      new RunsService(environment(QUORUM)).start('quorum', 10, 1).scenario.name,
      'quorum',
    );
    // The core topology's scenarios need no lab.
    assert.equal(new RunsService(environment()).start('baseline', 10, 1).phase, 'setting-up');
    assert.equal(executed.mock.callCount(), 3);
  });
});
