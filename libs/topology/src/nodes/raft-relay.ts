import { createHash } from 'node:crypto';
import { request as httpRequest, createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { acceptsConnections, httpOk } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { launch, type LaunchContext } from './launch';

/** A TCP address the relay passes requests on to. */
export interface RelayAddress {
  host: string;
  port: number;
}

/** One member as the relay serves it. */
export interface RelayedMember {
  name: string;
  /** The peer URL the member announces (the initial cluster's, which its ID derives from). */
  announcedUrl: string;
  /** Where the relay listens for the member's peers: where the announced URL leads. */
  listenPort: number;
  /** The member's own peer listener: requests that name no sender go straight there. */
  peer: RelayAddress;
  /** Link `<sender>->this member`'s Toxiproxy listener, by sender name. */
  links: Record<string, RelayAddress>;
}

export interface RelayConfig {
  /** The address the relay listens on (locally loopback; in a pod every address). */
  listenHost: string;
  /** Where the relay answers GET /health itself. */
  healthPort: number;
  members: RelayedMember[];
  /** The cluster's initial-cluster-token, which the member IDs are derived from. */
  clusterToken: string;
}

/** The URL a member announces to its peers locally: the relay's listener for it. */
export const announcedPeerUrl = (port: number): string => `http://${HOST}:${port}`;

/**
 * A member's ID as etcd derives it for a member of the initial cluster (membership.NewMember
 * with no time): the first 8 bytes, big-endian, of SHA-1 over its sorted peer URLs joined, then
 * the cluster token; written as etcd writes types.ID (lowercase hex, no leading zeros).
 */
export function etcdMemberId(peerUrls: readonly string[], clusterToken: string): string {
  const hash = createHash('sha1')
    .update([...peerUrls].sort().join('') + clusterToken)
    .digest();
  return hash.readBigUInt64BE(0).toString(16);
}

/** etcd's rafthttp names the sending member in every peer request (streams, messages, snapshots). */
const SENDER_HEADER = 'x-server-from';

/**
 * Where a peer request for `member` goes: the link from its sender, or, for a request that
 * names no known sender (version and probing requests), the member itself.
 */
export function relayTarget(
  member: RelayedMember,
  senders: ReadonlyMap<string, string>,
  senderId: string | undefined,
): RelayAddress {
  const sender = senderId === undefined ? undefined : senders.get(senderId);
  return (sender && member.links[sender]) || member.peer;
}

/**
 * Serves each member's announced peer URL and passes every request on, unchanged and streamed
 * both ways (Raft's message streams are long-lived responses), to the port relayPort picks.
 * When either side closes, so does the other, as a TCP proxy would.
 */
export async function startRelay(config: RelayConfig): Promise<Server[]> {
  const senders = new Map(
    config.members.map((m) => [etcdMemberId([m.announcedUrl], config.clusterToken), m.name]),
  );
  const health = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve, reject) => {
    health.once('error', reject);
    health.listen(config.healthPort, config.listenHost, resolve);
  });
  return Promise.all(
    config.members.map(
      (member) =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer((req, res) => {
            const sender = req.headers[SENDER_HEADER];
            const target = relayTarget(member, senders, Array.isArray(sender) ? sender[0] : sender);
            const upstream = httpRequest(
              {
                host: target.host,
                port: target.port,
                method: req.method,
                path: req.url,
                headers: req.headers,
                agent: false,
              },
              (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
                answer.on('error', () => res.destroy());
              },
            );
            upstream.on('error', () => res.destroy());
            req.pipe(upstream);
            res.on('close', () => upstream.destroy());
          });
          server.keepAliveTimeout = 0;
          server.once('error', reject);
          server.listen(member.listenPort, config.listenHost, () => resolve(server));
        }),
    ),
  );
}

/** The relay as a node of the topology: a process of its own (raft-relay-main), started first. */
export function launchRaftRelay(
  ctx: LaunchContext,
  spec: NodeSpec,
  config: RelayConfig,
): Promise<RunningNode> {
  return launch(ctx, spec, {
    process: {
      command: process.execPath,
      args: [join(__dirname, '..', 'raft-relay-main.js'), JSON.stringify(config)],
    },
    healthy: async () =>
      (await Promise.all(config.members.map((m) => acceptsConnections(HOST, m.listenPort)))).every(
        Boolean,
      ) && httpOk(`http://${HOST}:${config.healthPort}/health`),
    url: `http://${HOST}:${config.healthPort}`,
  });
}
