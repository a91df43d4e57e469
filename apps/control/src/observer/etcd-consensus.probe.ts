import { Injectable, Logger } from '@nestjs/common';
import type { TopologyMap, TopologyNode } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { PROBE_TIMEOUT_MS } from './bounded';
import {
  consensusSamples,
  isHealthyAnswer,
  type MemberStatus,
  type MemberView,
  parseMemberNames,
  parseMemberStatus,
} from './etcd-consensus';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';

/** How often the member list is read again once known: it changes only when members do. */
export const MEMBER_LIST_REFRESH_MS = 30_000;

/** A POST to the member's JSON gRPC gateway, body and all within PROBE_TIMEOUT_MS. */
async function gateway(member: TopologyNode, path: string): Promise<unknown> {
  const response = await fetch(`${member.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/**
 * The consensus lab's etcd members as each sees itself: who leads, the leader it follows, its
 * Raft term and indexes (Maintenance.Status through the JSON gateway, every poll) and its
 * /health. Leaders are named from the member list, read from whichever member answers first.
 * Only the consensus lab has etcd nodes: without it, the probe asks nothing.
 */
@Injectable()
export class EtcdConsensusProbe implements Probe {
  readonly name = 'etcd consensus';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly isLeader: ObservedGauge<'node'>;
  private readonly leader: ObservedGauge<'node' | 'leader'>;
  private readonly raftTerm: ObservedGauge<'node'>;
  private readonly raftIndex: ObservedGauge<'node'>;
  private readonly raftAppliedIndex: ObservedGauge<'node'>;
  private readonly healthy: ObservedGauge<'node'>;
  /** The members' names by ID, as the member list last gave them. */
  private names = new Map<bigint, string>();
  /** When the member list last answered (Date.now()); undefined: it never has. */
  private namesReadAt: number | undefined;
  /** The last poll met a leader the member list does not name (a member replaced since). */
  private leaderUnnamed = false;

  constructor(metrics: MetricsRegistry) {
    this.isLeader = new ObservedGauge(metrics, {
      name: 'faultline_etcd_is_leader',
      help: "1 when the etcd member reports itself the Raft leader (its Maintenance.Status leader is its own member ID), 0 when it follows or knows no leader. One member of three says 1 in quiet times. In a partition a cut-off leader keeps saying 1 until it notices it has lost its majority (CheckQuorum, about an election timeout), so two members may say 1 for a moment: compare their faultline_etcd_raft_term, only the higher term's leader can commit. Absent while the member does not answer its status (down, paused, or its client link cut).",
      labelNames: ['node'],
    });
    this.leader = new ObservedGauge(metrics, {
      name: 'faultline_etcd_leader',
      help: "1 for the leader the etcd member believes in (leader = its name from the member list, or its member ID in hex while the list does not name it). A member that knows no leader (leader ID 0: it is campaigning, or cut off from the majority) has no series. In quiet times all three name the same leader; in a partition the majority agrees on one (a new one if the old leader was cut off) while the cut-off member's series vanishes once its election timeout passes; after heal it names the majority's leader again. Absent while the member does not answer its status.",
      labelNames: ['node', 'leader'],
    });
    this.raftTerm = new ObservedGauge(metrics, {
      name: 'faultline_etcd_raft_term',
      help: "The Raft term the etcd member is in (Maintenance.Status raftTerm): one more with every election, so it steps up each time a leader is lost. In a partition the majority's term grows when it elects a new leader while the cut-off member's term stays (pre-vote: it cannot win a pre-vote, so it never campaigns into a higher term); after heal it takes the majority's term without deposing its leader. Absent while the member does not answer.",
      labelNames: ['node'],
    });
    this.raftIndex = new ObservedGauge(metrics, {
      name: 'faultline_etcd_raft_index',
      help: "The highest Raft log index the etcd member knows committed by a majority (Maintenance.Status raftIndex): grows with every write, lease grant or keep-alive and every new leader's first entry. In a partition the majority's index keeps growing while the cut-off member's stands still (a cut-off leader commits nothing: its proposals wait, then fail); after heal it catches up with the leader's. Absent while the member does not answer.",
      labelNames: ['node'],
    });
    this.raftAppliedIndex = new ObservedGauge(metrics, {
      name: 'faultline_etcd_raft_applied_index',
      help: 'The highest Raft log index the etcd member has applied to its key-value store (Maintenance.Status raftAppliedIndex): at or just behind faultline_etcd_raft_index; a gap that lasts means the member is still applying what it has committed, as when it catches up after heal. Absent while the member does not answer, or when its answer does not carry the field.',
      labelNames: ['node'],
    });
    this.healthy = new ObservedGauge(metrics, {
      name: 'faultline_etcd_member_healthy',
      help: 'The etcd member\'s own GET /health: 1 when it answers {"health":"true"} (it knows a leader and serves requests), 0 when it answers otherwise (no leader: it is campaigning, or cut off from the majority; etcd then answers "false", possibly with a 503). Absent while /health does not answer in time (the member is down or paused). In a partition the cut-off member turns 0 about an election timeout in while the majority stays 1.',
      labelNames: ['node'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const members = topology.nodes.filter((n) => n.kind === 'etcd' && n.url !== undefined);
    const [views] = await Promise.all([
      Promise.all(members.map((m) => this.view(m))),
      members.length > 0 && this.namesDue() ? this.readNames(members) : undefined,
    ]);
    this.leaderUnnamed = views.some(
      ({ status }) => status?.leaderId !== undefined && !this.names.has(status.leaderId),
    );
    const samples = consensusSamples(views, this.names);
    this.isLeader.replace(samples.isLeader);
    this.leader.replace(samples.leader);
    this.raftTerm.replace(samples.raftTerm);
    this.raftIndex.replace(samples.raftIndex);
    this.raftAppliedIndex.replace(samples.raftAppliedIndex);
    this.healthy.replace(samples.healthy);
  }

  clear(): void {
    this.isLeader.clear();
    this.leader.clear();
    this.raftTerm.clear();
    this.raftIndex.clear();
    this.raftAppliedIndex.clear();
    this.healthy.clear();
  }

  /**
   * The member list is asked at every poll until it first answers, then every
   * MEMBER_LIST_REFRESH_MS, and again at the poll after one that met a leader it does not name.
   */
  private namesDue(): boolean {
    return (
      this.namesReadAt === undefined ||
      this.leaderUnnamed ||
      Date.now() - this.namesReadAt >= MEMBER_LIST_REFRESH_MS
    );
  }

  /** Asks every member at once and keeps the first list: any member may answer (a cut-off one too). */
  private async readNames(members: readonly TopologyNode[]): Promise<void> {
    try {
      this.names = await Promise.any(
        members.map(async (m) => parseMemberNames(await gateway(m, '/v3/cluster/member/list'))),
      );
      this.namesReadAt = Date.now();
      this.failures.ok('etcd member list');
    } catch (err) {
      const reasons = err instanceof AggregateError ? err.errors : [err];
      this.failures.failed(
        'etcd member list',
        new Error(reasons.map((r) => (r instanceof Error ? r.message : String(r))).join('; ')),
      );
    }
  }

  private async view(member: TopologyNode): Promise<MemberView> {
    const [status, healthy] = await Promise.all([this.status(member), this.health(member)]);
    return { node: member.name, status, healthy };
  }

  /** The member's status, or undefined when it does not answer in time (or answers nonsense). */
  private async status(member: TopologyNode): Promise<MemberStatus | undefined> {
    try {
      const status = parseMemberStatus(await gateway(member, '/v3/maintenance/status'));
      this.failures.ok(member.name);
      return status;
    } catch (err) {
      this.failures.failed(member.name, err);
      return undefined;
    }
  }

  /** Whether /health says healthy, whatever the status code; undefined when it does not answer. */
  private async health(member: TopologyNode): Promise<boolean | undefined> {
    const target = `${member.name} /health`;
    try {
      const response = await fetch(`${member.url}/health`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const healthy = isHealthyAnswer(response.status, await response.text());
      this.failures.ok(target);
      return healthy;
    } catch (err) {
      this.failures.failed(target, err);
      return undefined;
    }
  }
}
