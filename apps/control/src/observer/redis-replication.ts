import type { Sample } from './samples';

/** A replica as its primary lists it in INFO replication (`slaveN:ip=…,port=…,state=…,offset=…,lag=…`). */
export interface ListedReplica {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

/** The replicas a primary's INFO replication fields (see parseRedisInfo) list. */
export function listedReplicas(info: Readonly<Record<string, string>>): ListedReplica[] {
  const replicas: ListedReplica[] = [];
  for (const [field, value] of Object.entries(info)) {
    if (!/^slave\d+$/.test(field)) continue;
    const attrs = new Map(
      value.split(',').map((pair) => {
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
      }),
    );
    const port = Number(attrs.get('port'));
    const offset = Number(attrs.get('offset'));
    if (!Number.isInteger(port) || !Number.isFinite(offset)) continue;
    replicas.push({
      ip: attrs.get('ip') ?? '',
      port,
      state: attrs.get('state') ?? '',
      offset,
      lag: Number(attrs.get('lag') ?? NaN),
    });
  }
  return replicas;
}

/** A replica node of the topology and its own INFO replication, undefined when it did not answer. */
export interface RedisReplicaView {
  name: string;
  port: number;
  info: Readonly<Record<string, string>> | undefined;
}

export interface RedisReplicationSamples {
  lagBytes: Sample<'replica'>[];
  linkUp: Sample<'replica'>[];
}

const integerField = (
  info: Readonly<Record<string, string>>,
  field: string,
): number | undefined => {
  const raw = info[field];
  if (raw === undefined || !/^-?\d+$/.test(raw)) return undefined;
  return Number(raw);
};

/**
 * Replica lag in bytes = the primary's master_repl_offset − the replica's offset. The offset is
 * the one the primary lists for the replica's port (what it acknowledged). When the primary no
 * longer lists it (the connection is gone) but the replica answers and still has the primary's
 * replication id, its own slave_repl_offset stands in, so a cut-off replica's lag keeps growing
 * instead of vanishing. Lag is absent without a primary that answers as a master.
 * master_link_up comes from each replica's own master_link_status, absent when it does not answer.
 */
export function redisReplicationSamples(
  primary: Readonly<Record<string, string>> | undefined,
  replicas: readonly RedisReplicaView[],
): RedisReplicationSamples {
  const lagBytes: Sample<'replica'>[] = [];
  const masterOffset =
    primary && primary.role === 'master' ? integerField(primary, 'master_repl_offset') : undefined;
  if (primary && masterOffset !== undefined) {
    const listed = listedReplicas(primary);
    for (const replica of replicas) {
      let offset = listed.find((l) => l.port === replica.port)?.offset;
      if (
        offset === undefined &&
        replica.info &&
        replica.info.master_replid !== undefined &&
        replica.info.master_replid === primary.master_replid
      ) {
        offset = integerField(replica.info, 'slave_repl_offset');
      }
      if (offset !== undefined) {
        lagBytes.push({
          labels: { replica: replica.name },
          value: Math.max(0, masterOffset - offset),
        });
      }
    }
  }
  const linkUp = replicas
    .filter((r) => r.info !== undefined)
    .map((r) => ({
      labels: { replica: r.name },
      value: r.info?.role === 'slave' && r.info.master_link_status === 'up' ? 1 : 0,
    }));
  return { lagBytes, linkUp };
}
