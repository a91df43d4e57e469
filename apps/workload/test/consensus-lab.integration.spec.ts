import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertLateWriteFenced,
  assertLeaderReplaced,
  assertPanelsAnswer,
  assertStaleWriteLanded,
  checkerResult as result,
  eventually,
  httpJson,
  ScenarioBench,
  shownResults as shown,
} from '@faultline/testing';

/** Whether the service answers within a second. */
const answers = async (url: string) => {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
};

describe(
  'the consensus lab: three etcd members, the ledger and its locks',
  { timeout: 900_000 },
  () => {
    const bench = new ScenarioBench({ labs: ['consensus'] });
    const control = () => ({
      url: bench.running.url('control'),
      headers: { Authorization: `Bearer ${bench.running.state.adminToken}` },
    });

    it('ledger: an unknown lock is 400 naming the modes; a pause freezes a ledger until heal, and pausing it again is 409', async () => {
      const ledger = bench.running.url('ledger-b');
      const bad = await httpJson(`${ledger}/ledger/r1/entries`, {
        body: { request: 'r1-1', lock: 'zookeeper' },
      });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(
        JSON.stringify(bad.body),
        /lock must be one of: redlock, etcd-lease, etcd-fenced/,
      );
      const unknownMember = await httpJson(`${ledger}/registers/k1?member=etcd-9`);
      assert.equal(unknownMember.status, 400, JSON.stringify(unknownMember.body));

      const { url, headers } = control();
      const pause = await httpJson<{ id: string }>(`${url}/drills`, {
        body: { kind: 'pause', target: 'ledger-b', ttlSeconds: 60 },
        headers,
      });
      assert.equal(pause.status, 201, JSON.stringify(pause.body));
      try {
        assert.equal(await answers(ledger), false, 'a paused ledger does not answer');
        const again = await httpJson(`${url}/drills`, {
          body: { kind: 'pause', target: 'ledger-b', ttlSeconds: 60 },
          headers,
        });
        assert.equal(again.status, 409, JSON.stringify(again.body));
        assert.match(JSON.stringify(again.body), /pause ledger-b.*heal it first/);
      } finally {
        await httpJson(`${url}/drills/${pause.body.id}`, { method: 'DELETE', headers });
      }
      await eventually(async () => assert.equal(await answers(ledger), true), 5_000);
    });

    for (const lock of ['redlock', 'etcd-lease'] as const) {
      it(`lock-pause under ${lock}: the paused holder's late write lands (invalid, named)`, async (t) => {
        t.diagnostic(assertStaleWriteLanded(await bench.run('lock-pause', 16, { lock }), lock));
      });
    }

    it('lock-pause under etcd-fenced: the late write is refused by the storage, and kept (valid)', async (t) => {
      t.diagnostic(
        assertLateWriteFenced(await bench.run('lock-pause', 16, { lock: 'etcd-fenced' })),
      );
    });

    it('raft-partition: the cut-off leader commits nothing, the majority elects another, the register stays linearizable', async (t) => {
      t.diagnostic(assertLeaderReplaced(await bench.run('raft-partition', 20)));
    });

    it('raft-minority: a follower cut off changes nothing for the majority', async () => {
      const report = await bench.run('raft-minority', 16);
      const majority = result(report, 'raft-majority');
      assert.equal(majority.valid, true, shown(report));
      assert.equal(majority.stats.leaderKept, true, shown(report));
      assert.notEqual(majority.stats.cutMember, majority.stats.leaderBefore);
      assert.equal(result(report, 'register-linearizability').valid, true, shown(report));
    });

    it('the Consensus dashboard: every panel query answers with a number', async () => {
      await assertPanelsAnswer(bench.running.url('prometheus'), 'faultline-consensus');
    });
  },
);
