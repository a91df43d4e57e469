import { httpOk } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { etcdServer } from '../toolchain';
import { launch, type LaunchContext, nodeDir } from './launch';
import { announcedPeerUrl } from './raft-relay';

/** The names of a member's ports among a topology's ports: `etcd-0:peer`, `etcd-0:announced`. */
export const MEMBER_PEER_PORTS = ['peer', 'announced'] as const;
export const consensusPort = (member: string, port: (typeof MEMBER_PEER_PORTS)[number]): string =>
  `${member}:${port}`;

export interface ConsensusMember {
  /** Where clients reach it (gRPC and the JSON gateway, /health and /metrics): the node's port. */
  clientPort: number;
  /** Where it listens for its peers (the relay passes their requests on to it). */
  peerPort: number;
  /**
   * Every member by name with the port of the peer URL it announces: the relay's listener for
   * it. These URLs are the initial cluster, and the member IDs derive from them.
   */
  peers: readonly { name: string; announcedPort: number }[];
  /** Unique per topology, so members of two topologies never take each other for peers. */
  clusterToken: string;
}

/**
 * One member of the consensus lab's etcd cluster (Debian's etcd-server). The three start
 * together: a member is healthy only once a leader is elected, which takes a majority.
 * Raft timing is etcd's default (heartbeat 100 ms, election timeout 1 s); pre-vote is on (the
 * default from etcd 3.5 on), so a member rejoining after a partition does not depose the leader
 * with the higher term it campaigned for alone.
 */
export async function launchEtcd(
  ctx: LaunchContext,
  spec: NodeSpec,
  member: ConsensusMember,
): Promise<RunningNode> {
  const own = member.peers.find((p) => p.name === spec.name);
  if (!own) throw new Error(`${spec.name} is not among the members it is started with`);
  const clientUrl = `http://${HOST}:${member.clientPort}`;
  const args = [
    ...['--name', spec.name],
    ...['--data-dir', nodeDir(ctx, spec.name)],
    ...['--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl],
    ...['--listen-peer-urls', `http://${HOST}:${member.peerPort}`],
    ...['--initial-advertise-peer-urls', announcedPeerUrl(own.announcedPort)],
    '--initial-cluster',
    member.peers.map((p) => `${p.name}=${announcedPeerUrl(p.announcedPort)}`).join(','),
    ...['--initial-cluster-state', 'new', '--initial-cluster-token', member.clusterToken],
    '--pre-vote',
    ...['--logger', 'zap', '--log-level', 'warn'],
  ];
  return launch(ctx, spec, {
    process: { command: etcdServer(), args },
    healthy: () => httpOk(`${clientUrl}/health`),
    url: clientUrl,
    extraPorts: { peer: member.peerPort, announced: own.announcedPort },
  });
}
