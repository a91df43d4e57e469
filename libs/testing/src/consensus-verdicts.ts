import assert from 'node:assert/strict';
import type { ReportView } from '@faultline/contracts';
import { checkerResult as result, shownResults as shown } from './scenario-bench';

// The consensus lab's lessons as assertions, shared by the local lab's test and the chart's on
// the offline cluster: each returns a line for the test's diagnostics.

/** lock-pause under redlock or etcd-lease: the paused holder's late write landed, named. */
export function assertStaleWriteLanded(report: ReportView, lock: string): string {
  const safety = result(report, 'lock-safety');
  assert.equal(safety.valid, false, shown(report));
  assert.ok((safety.anomalies['stale-write'] ?? 0) > 0, shown(report));
  const [example] = safety.stats.staleWriteExamples as string[];
  assert.match(example!, /^ledger-a's writer-a-\d+ .* had written: the lock had passed on$/);
  assert.equal(report.settings.LOCK, lock);
  assert.equal(report.verdict, 'invalid');
  return example!;
}

/** lock-pause under etcd-fenced: the late write was refused by the storage, and kept. */
export function assertLateWriteFenced(report: ReportView): string {
  const safety = result(report, 'lock-safety');
  assert.equal(safety.valid, true, shown(report));
  assert.ok((safety.stats.fencedWrites as number) > 0, shown(report));
  const [refusal] = safety.stats.fencedWriteExamples as string[];
  assert.match(refusal!, /^ledger-a's writer-a-\d+ \(token \d+\) refused/);
  assert.equal(report.verdict, 'valid', shown(report));
  return refusal!;
}

/**
 * raft-partition: the cut-off leader committed nothing, the majority elected another, and the
 * register stayed linearizable.
 */
export function assertLeaderReplaced(report: ReportView): string {
  const majority = result(report, 'raft-majority');
  assert.equal(majority.valid, true, shown(report));
  const { cutMember, leaderBefore, newLeader, electedSeconds } = majority.stats;
  assert.equal(cutMember, leaderBefore, 'the drill cut the leader off');
  assert.ok(typeof newLeader === 'string' && newLeader !== cutMember, shown(report));
  assert.equal(typeof electedSeconds, 'number', shown(report));
  const throughCut = majority.stats.writesThroughCutMember as Record<string, number>;
  assert.equal(
    throughCut.ok,
    undefined,
    `no write through the cut leader succeeded: ${shown(report)}`,
  );
  assert.equal(result(report, 'register-linearizability').valid, true, shown(report));
  assert.equal(report.verdict, 'valid');
  return `elected ${newLeader} ${electedSeconds} s after the cut; write gap ${majority.stats.majorityWriteGapSeconds} s`;
}
