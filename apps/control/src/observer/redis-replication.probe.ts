import { Injectable, Logger } from '@nestjs/common';
import { parseRedisInfo, type TopologyNode, type TopologyMap } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { DatastoreSessions } from '../topology/datastore-sessions';
import { PROBE_TIMEOUT_MS, within } from './bounded';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';
import { redisReplicationSamples } from './redis-replication';

/** Redis replication: the primary's INFO replication and each replica's own. */
@Injectable()
export class RedisReplicationProbe implements Probe {
  readonly name = 'redis replication';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly lagBytes: ObservedGauge<'replica'>;
  private readonly linkUp: ObservedGauge<'replica'>;

  constructor(
    metrics: MetricsRegistry,
    private readonly sessions: DatastoreSessions,
  ) {
    this.lagBytes = new ObservedGauge(metrics, {
      name: 'faultline_redis_replica_lag_bytes',
      help: "Bytes of the replication stream the replica has not acknowledged: the primary's master_repl_offset minus the replica's offset (as the primary lists it, or the replica's own slave_repl_offset once the primary has dropped it). Absent while the primary does not answer, or the replica is neither listed nor answering.",
      labelNames: ['replica'],
    });
    this.linkUp = new ObservedGauge(metrics, {
      name: 'faultline_redis_master_link_up',
      help: '1 when the replica reports master_link_status:up, 0 when its link to the primary is down (it serves possibly stale data). Absent while the replica does not answer.',
      labelNames: ['replica'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const redis = topology.nodes.filter((n) => n.kind === 'redis');
    const primary = redis.find((n) => n.role === 'primary');
    const replicas = redis.filter((n) => n.role === 'replica');
    const [primaryInfo, replicaInfos] = await Promise.all([
      primary ? this.info(primary) : undefined,
      Promise.all(replicas.map((r) => this.info(r))),
    ]);
    const samples = redisReplicationSamples(
      primaryInfo,
      replicas.map((r, i) => ({ name: r.name, port: r.port, info: replicaInfos[i] })),
    );
    this.lagBytes.replace(samples.lagBytes);
    this.linkUp.replace(samples.linkUp);
  }

  clear(): void {
    this.lagBytes.clear();
    this.linkUp.clear();
  }

  /** The node's INFO replication fields, or undefined when it does not answer in time. */
  private async info(node: TopologyNode): Promise<Record<string, string> | undefined> {
    try {
      const raw = await within(
        this.sessions.redisCommand(node, 'INFO', 'replication'),
        PROBE_TIMEOUT_MS,
        node.name,
      );
      this.failures.ok(node.name);
      return parseRedisInfo(String(raw));
    } catch (err) {
      this.failures.failed(node.name, err);
      return undefined;
    }
  }
}
