import { type CheckerResult, Findings, type StatValue } from '../checker-result';
import { increment, type Tally } from '../compose';
import { type History, outcome, type Pair, pairs } from '../history';
import { type DrillRequest, fields, OPERATIONS, type RaftStatusOk, seconds } from '../operations';

/** The anomalies the Raft majority checker knows. */
export type RaftMajorityAnomaly = 'minority-write';

/** The partition a run made, as the nemesis recorded it. */
interface Cut {
  member: string;
  drill: Pair;
  /** When the drill was in place (its ok) and when the heal began (the run's end without one). */
  from: number;
  until: number;
}

interface Status extends RaftStatusOk {
  time: number;
}

/** The first ok partition drill of the run, and the heal after it. */
function partitionOf(all: readonly Pair[], end: number): Cut | undefined {
  const drill = all.find(
    (p) =>
      p.invoke.f === OPERATIONS.drill &&
      outcome(p) === 'ok' &&
      fields<DrillRequest>(p.invoke.value)?.kind === 'partition',
  );
  if (!drill) return undefined;
  const from = drill.completion!.time;
  const heal = all.find((p) => p.invoke.f === OPERATIONS.heal && p.invoke.time >= from);
  return {
    member: String(fields<DrillRequest>(drill.invoke.value)!.target),
    drill,
    from,
    until: heal?.invoke.time ?? end,
  };
}

function statuses(all: readonly Pair[]): Status[] {
  return all.flatMap((p) => {
    if (p.invoke.f !== OPERATIONS.raftStatus || outcome(p) !== 'ok') return [];
    const s = fields<RaftStatusOk>(p.completion!.value);
    if (typeof s?.member !== 'string' || typeof s.term !== 'number') return [];
    const leader = typeof s.leader === 'string' ? s.leader : null;
    return [
      {
        member: s.member,
        leader,
        term: s.term,
        index: Number(s.index) || 0,
        time: p.completion!.time,
      },
    ];
  });
}

/** The longest stretch (s) within [from, until] without an ok write completing. */
function longestGap(okTimes: readonly number[], from: number, until: number): number {
  let last = from;
  let gap = 0;
  for (const t of [...okTimes.filter((t) => t > from && t < until), until]) {
    gap = Math.max(gap, t - last);
    last = t;
  }
  return seconds(gap);
}

/**
 * Raft's majority rule, judged on a run that cut one etcd member off from the other two: no
 * write through the cut member may be acknowledged while it is cut off (`minority-write`: it
 * cannot reach a majority, so it cannot commit). Reported beside it, from every member's own
 * status: the leader before the cut; when the cut member led, how soon a member of the majority
 * followed a new leader, in which term (`electedSeconds`); when it did not, whether the leader
 * stayed (`leaderKept`); and the longest stretch without an acknowledged write through the
 * majority during the cut (`majorityWriteGapSeconds`). 'unknown' without a partition.
 */
export function checkRaftMajority(history: History): CheckerResult {
  const findings = new Findings<RaftMajorityAnomaly>();
  const all = pairs(history);
  const end = history.at(-1)?.time ?? 0;
  const cut = partitionOf(all, end);
  if (!cut) {
    return findings.result('raft-majority', 'unknown', { note: 'the run cut off no member' });
  }
  const writes = all.filter((p) => p.invoke.f === OPERATIONS.registerWrite);
  const during = (p: Pair) => p.invoke.time >= cut.from && p.invoke.time < cut.until;
  const throughCut: Tally = {};
  const throughMajority: Tally = {};
  const majorityOk: number[] = [];
  for (const write of writes) {
    const member = write.completion?.node ?? write.invoke.node;
    const result = outcome(write);
    if (!during(write)) continue;
    if (member === cut.member) {
      // A write that hung through the cut and committed once it healed broke no rule.
      const late = result === 'ok' && write.completion!.time >= cut.until;
      increment(throughCut, late ? 'ok-after-heal' : result);
      if (result === 'ok' && write.completion!.time < cut.until) {
        findings.add('minority-write', [
          cut.drill.invoke,
          cut.drill.completion,
          write.invoke,
          write.completion,
        ]);
      }
    } else {
      increment(throughMajority, result);
      if (result === 'ok') majorityOk.push(write.completion!.time);
    }
  }
  const views = statuses(all);
  const before = views.filter((s) => s.time < cut.from && s.leader !== null).at(-1);
  const majorityViews = views.filter(
    (s) => s.member !== cut.member && s.time >= cut.from && s.time < cut.until,
  );
  const stats: Record<string, StatValue> = {
    cutMember: cut.member,
    leaderBefore: before?.leader ?? null,
    termBefore: before?.term ?? null,
    writesThroughCutMember: throughCut,
    writesThroughMajority: throughMajority,
    majorityWriteGapSeconds: round(longestGap(majorityOk, cut.from, cut.until)),
  };
  if (before?.leader === cut.member) {
    const elected = majorityViews.find((s) => s.leader !== null && s.leader !== cut.member);
    Object.assign(stats, {
      newLeader: elected?.leader ?? null,
      termAfter: elected?.term ?? null,
      electedSeconds: elected ? round(seconds(elected.time - cut.from)) : null,
    });
  } else if (before) {
    stats.leaderKept = majorityViews.every((s) => s.leader === before.leader);
  }
  return findings.result('raft-majority', !findings.invalidating, stats);
}

const round = (s: number) => Math.round(s * 100) / 100;
