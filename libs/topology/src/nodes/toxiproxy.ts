import { httpOk } from '../health';
import {
  dedicatedListenerPort,
  HOST,
  type LinkSpec,
  linkName,
  memberAddress,
  type NodeSpec,
  type RunningLink,
  type RunningNode,
} from '../model';
import { ToxiproxyClient } from '../toxiproxy-client';
import { memberPort } from './cassandra';
import { consensusPort } from './etcd';
import { launch, type LaunchContext } from './launch';

export async function launchToxiproxy(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const url = `http://${HOST}:${port}`;
  return launch(ctx, spec, {
    process: {
      command: ctx.toolchain.toxiproxyServer,
      args: ['-host', HOST, '-port', String(port), '-proxy-metrics', '-runtime-metrics'],
    },
    healthy: () => httpOk(`${url}/version`),
    url,
  });
}

/** Where a link listens and where it forwards (the server may start later). */
function linkAddresses(ctx: LaunchContext, link: LinkSpec): { listen: string; upstream: string } {
  if (link.peerAddress) {
    const port = ctx.portOf(memberPort(link.server, 'storage'));
    return { listen: `${memberAddress(link.server)}:${port}`, upstream: `${HOST}:${port}` };
  }
  const upstream = link.dedicatedListener
    ? dedicatedListenerPort(link)
    : link.raftPeer
      ? consensusPort(link.server, 'peer')
      : link.server;
  return {
    listen: `${HOST}:${ctx.linkPort(link.client, link.server)}`,
    upstream: `${HOST}:${ctx.portOf(upstream)}`,
  };
}

/** Creates one proxy per link; the servers behind them may start later. */
export async function createLinks(
  ctx: LaunchContext,
  toxiproxyUrl: string,
  specs: readonly LinkSpec[],
): Promise<RunningLink[]> {
  const client = new ToxiproxyClient(toxiproxyUrl);
  const links: RunningLink[] = [];
  for (const link of specs) {
    const proxy = await client.createProxy({
      name: linkName(link),
      ...linkAddresses(ctx, link),
      enabled: true,
    });
    links.push({ ...link, name: proxy.name, listen: proxy.listen, upstream: proxy.upstream });
  }
  return links;
}
