import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisHealthy, sentinelHealthy } from '../health';
import {
  HOST,
  type NodeSpec,
  type RunningNode,
  SENTINEL_MASTER_NAME,
  SENTINEL_QUORUM,
} from '../model';
import { launch, type LaunchContext, nodeDir } from './launch';

const PRIMARY = 'redis-primary';

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
    // Nothing may re-point a node's replication: Sentinel would point a replica at the
    // primary's own port (+fix-slave-config, or a failover's reconfiguration), bypassing its
    // link. Sentinels still watch and decide; the links stay in every replication path.
    ...['REPLICAOF', 'SLAVEOF'].flatMap((command) => ['--rename-command', command, '']),
  ];
  if (spec.role === 'replica') {
    args.push(
      '--replicaof',
      HOST,
      String(ctx.linkPort(spec.name, PRIMARY)),
      '--replica-serve-stale-data',
      'yes',
      '--replica-read-only',
      'yes',
      // Sentinels reach replicas directly, not through the replication link.
      '--replica-announce-ip',
      HOST,
      '--replica-announce-port',
      String(port),
    );
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
      `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${ctx.portOf(PRIMARY)} ${SENTINEL_QUORUM}`,
      `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 5000`,
      // Each replica reaches the primary through its own Toxiproxy link, so its master
      // port differs from the primary's real one, and Sentinel tries to "fix" it
      // (+fix-slave-config) once it has looked that way for failover-timeout. The nodes
      // refuse REPLICAOF (launchRedis), so that try fails; an hour keeps it rare.
      `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 3600000`,
      `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  return launch(ctx, spec, {
    process: { command: ctx.toolchain.redisSentinel, args: [conf] },
    healthy: () => sentinelHealthy({ host: HOST, port }, SENTINEL_MASTER_NAME),
  });
}
