import { Injectable, Logger } from '@nestjs/common';
import { postgresRole, redisRole, type TopologyMap, type TopologyNode } from '@faultline/topology';
import { MetricsRegistry } from '@faultline/telemetry';
import { DatastoreSessions } from '../topology/datastore-sessions';
import { PROBE_TIMEOUT_MS, within } from './bounded';
import { ObservedGauge } from './observed-gauge';
import type { Probe } from './probe';
import { ProbeFailures } from './probe-failures';
import type { Sample } from './samples';

type Role = 'primary' | 'replica';

/** What a node says it is: PostgreSQL by pg_is_in_recovery(), Redis by INFO's role. */
const askRole = (node: TopologyNode, sessions: DatastoreSessions): Promise<Role> =>
  node.kind === 'postgres' ? postgresRole(node, sessions) : redisRole(node, sessions);

/** One series per node that answered, labelled with the role it reports. */
const roleSamples = (
  answers: { node: TopologyNode; role?: Role }[],
): Sample<'member' | 'store' | 'role'>[] =>
  answers.flatMap(({ node, role }) =>
    role ? [{ labels: { member: node.name, store: node.kind, role }, value: 1 }] : [],
  );

/**
 * The role each PostgreSQL and Redis node reports now, whatever the topology's map says: a
 * failover moves it, and a node that came back as the wrong one shows here first.
 */
@Injectable()
export class DatastoreRoleProbe implements Probe {
  readonly name = 'datastore roles';
  private readonly failures = new ProbeFailures(new Logger('Observer'));
  private readonly role: ObservedGauge<'member' | 'store' | 'role'>;

  constructor(
    metrics: MetricsRegistry,
    private readonly sessions: DatastoreSessions,
  ) {
    this.role = new ObservedGauge(metrics, {
      name: 'faultline_datastore_role',
      help: 'The role a PostgreSQL or Redis node reports about itself (role = primary or replica; store = postgres or redis): PostgreSQL by pg_is_in_recovery(), Redis by INFO replication. Always 1; absent while the node does not answer. Two primaries of one store at once is a split brain.',
      labelNames: ['member', 'store', 'role'],
    });
  }

  async observe(topology: TopologyMap): Promise<void> {
    const nodes = topology.nodes.filter((n) => n.kind === 'postgres' || n.kind === 'redis');
    const answers = await Promise.all(
      nodes.map(async (node) => {
        try {
          const role = await within(askRole(node, this.sessions), PROBE_TIMEOUT_MS, node.name);
          this.failures.ok(node.name);
          return { node, role };
        } catch (err) {
          this.failures.failed(node.name, err);
          return { node };
        }
      }),
    );
    this.role.replace(roleSamples(answers));
  }

  clear(): void {
    this.role.clear();
  }
}
