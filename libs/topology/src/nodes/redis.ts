import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisHealthy, sentinelHealthy } from '../health';
import {
  HOST,
  type NodeSpec,
  type RunningNode,
  SENTINEL_MASTER_NAME,
  NODES,
  REDIS_MIN_REPLICAS_MAX_LAG_S,
  replicaofCommand,
  resolveNode,
  SENTINEL_DOWN_AFTER_MS,
  SENTINEL_FAILOVER_TIMEOUT_MS,
  SENTINEL_QUORUM,
  SENTINELS,
} from '../model';
import { launch, type LaunchContext, nodeDir } from './launch';

const PRIMARY = 'redis-primary';

/**
 * REDIS_MIN_REPLICAS_TO_WRITE: a primary refuses writes while fewer replicas than this have
 * acknowledged it within REDIS_MIN_REPLICAS_MAX_LAG_S, so a primary cut off from its replicas stops
 * taking the writes a split brain would lose (0: it never refuses, Redis's default).
 */
const minReplicasToWrite = (count: number): string[] =>
  count > 0
    ? [
        '--min-replicas-to-write',
        String(count),
        '--min-replicas-max-lag',
        String(REDIS_MIN_REPLICAS_MAX_LAG_S),
      ]
    : [];

export async function launchRedis(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--dir',
    nodeDir(ctx, spec.name),
    '--save',
    '',
    '--appendonly',
    'no',
    // A cut link shows as master_link_status:down within seconds, not the default minute.
    '--repl-timeout',
    '5',
    '--repl-ping-replica-period',
    '1',
    // Full resyncs start at once instead of waiting 5 s for more replicas to join.
    '--repl-diskless-sync-delay',
    '0',
    // Only control re-points a node's replication, always to its link (replicaofCommand).
    ...['--rename-command', 'REPLICAOF', replicaofCommand(ctx.adminToken)],
    ...['--rename-command', 'SLAVEOF', ''],
    '--replica-serve-stale-data',
    'yes',
    '--replica-read-only',
    'yes',
    // As a replica (any node may become one), it is known to the Sentinels by their link to it.
    '--replica-announce-ip',
    HOST,
    '--replica-announce-port',
    String(ctx.linkPort(SENTINELS, spec.name)),
    ...minReplicasToWrite(ctx.redisMinReplicasToWrite),
  ];
  if (spec.role === 'replica') {
    args.push('--replicaof', HOST, String(ctx.linkPort(spec.name, PRIMARY)));
  }
  const role = spec.role === 'primary' ? 'primary' : 'replica';
  return launch(ctx, spec, {
    process: { command: ctx.toolchain.redisServer, args },
    healthy: () => redisHealthy({ host: HOST, port }, role),
  });
}

export async function launchSentinel(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const dir = nodeDir(ctx, spec.name);
  // Sentinel rewrites its own config file, so it gets one of its own.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      `bind ${HOST}`,
      `dir ${dir}`,
      `sentinel announce-ip ${HOST}`,
      // Through their link to it, as every node (the nodes announce those addresses).
      `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${ctx.linkPort(SENTINELS, resolveNode(NODES, PRIMARY)!.name)} ${SENTINEL_QUORUM}`,
      `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${SENTINEL_DOWN_AFTER_MS}`,
      `sentinel failover-timeout ${SENTINEL_MASTER_NAME} ${SENTINEL_FAILOVER_TIMEOUT_MS}`,
      `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  return launch(ctx, spec, {
    process: { command: ctx.toolchain.redisSentinel, args: [conf] },
    healthy: () => sentinelHealthy({ host: HOST, port }, SENTINEL_MASTER_NAME),
  });
}
