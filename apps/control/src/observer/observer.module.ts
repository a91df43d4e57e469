import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { CassandraOwnershipProbe } from './cassandra-ownership.probe';
import { ClockSkewProbe } from './clock-skew.probe';
import { DatastoreRoleProbe } from './datastore-role.probe';
import { EtcdConsensusProbe } from './etcd-consensus.probe';
import { LinkStateProbe } from './link-state.probe';
import { ObserverService } from './observer.service';
import { PostgresReplicationProbe } from './postgres-replication.probe';
import { RedisReplicationProbe } from './redis-replication.probe';

/**
 * The observer: polls the topology every second and exports faultline_pg_*, faultline_redis_*,
 * faultline_datastore_role, faultline_clock_skew_seconds, faultline_link_* and (with the quorum
 * lab) faultline_cassandra_ownership_ratio, (with the consensus lab) faultline_etcd_* on the
 * MetricsRegistry. Clock (control's own, the skew
 * reference) and MetricsRegistry come from their global modules.
 */
@Module({
  imports: [TopologyModule],
  providers: [
    PostgresReplicationProbe,
    RedisReplicationProbe,
    ClockSkewProbe,
    LinkStateProbe,
    DatastoreRoleProbe,
    CassandraOwnershipProbe,
    EtcdConsensusProbe,
    ObserverService,
  ],
  exports: [ObserverService],
})
export class ObserverModule {}
