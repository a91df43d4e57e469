import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TopologySource } from '../topology/topology-source';
import { CassandraOwnershipProbe } from './cassandra-ownership.probe';
import { EtcdConsensusProbe } from './etcd-consensus.probe';
import { ClockSkewProbe } from './clock-skew.probe';
import { DatastoreRoleProbe } from './datastore-role.probe';
import { LinkStateProbe } from './link-state.probe';
import { PostgresReplicationProbe } from './postgres-replication.probe';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';
import { RedisReplicationProbe } from './redis-replication.probe';

/** How often the observer polls the topology. */
export const OBSERVER_INTERVAL_MS = 1_000;

/**
 * Polls the topology every second and keeps the replication, clock, link and ring gauges current.
 * Polls never overlap (a tick that finds the previous poll running is skipped); every probe is
 * bounded (~800 ms) and its failures only remove its series, so the observer never stops.
 */
@Injectable()
export class ObserverService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Observer');
  private readonly failures = new ProbeFailures(this.logger);
  private readonly probes: Probe[];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /** A refresh came while a poll was running: poll again when it ends. */
  private pollAgain = false;
  private stopped = false;

  constructor(
    private readonly topology: TopologySource,
    postgres: PostgresReplicationProbe,
    redis: RedisReplicationProbe,
    clockSkew: ClockSkewProbe,
    links: LinkStateProbe,
    roles: DatastoreRoleProbe,
    ringOwnership: CassandraOwnershipProbe,
    consensus: EtcdConsensusProbe,
  ) {
    this.probes = [postgres, redis, clockSkew, links, roles, ringOwnership, consensus];
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), OBSERVER_INTERVAL_MS);
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    // Let a running poll finish (bounded), so no probe connection outlives the app.
    await this.polling;
  }

  /**
   * Polls now, outside the cadence: a drill has just changed the topology, and its gauges
   * should say so at Prometheus's next scrape, not up to a poll later (a heal then shows in
   * Prometheus within about a second of the CLI's answer). A poll already running may have read
   * the state before the change, so another follows it.
   */
  refresh(): void {
    if (this.stopped) return;
    if (this.polling) this.pollAgain = true;
    else this.tick();
  }

  /** Starts a poll unless one is still running. */
  private tick(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.logger.debug('previous poll still running; skipping this tick');
      return;
    }
    this.polling = this.poll().finally(() => {
      this.polling = undefined;
      if (!this.pollAgain) return;
      this.pollAgain = false;
      this.tick();
    });
  }

  /** One round of every probe; resolves once all have replaced their series. Never rejects. */
  async poll(): Promise<void> {
    let state;
    try {
      state = this.topology.current();
      this.failures.ok('topology state');
    } catch (err) {
      this.failures.failed('topology state', err);
      for (const probe of this.probes) probe.clear();
      return;
    }
    await Promise.all(
      this.probes.map((probe) =>
        probe.observe(state).then(
          () => this.failures.ok(probe.name),
          (err: unknown) => {
            this.failures.failed(probe.name, err);
            probe.clear();
          },
        ),
      ),
    );
  }
}
