import { httpOk } from '../health';
import {
  dedicatedListenerPort,
  HOST,
  LINKS,
  linkName,
  type NodeSpec,
  type RunningLink,
  type RunningNode,
} from '../model';
import { ToxiproxyClient } from '../toxiproxy-client';
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

/** Creates one proxy per link; the servers behind them may start later. */
export async function createLinks(
  ctx: LaunchContext,
  toxiproxyUrl: string,
): Promise<RunningLink[]> {
  const client = new ToxiproxyClient(toxiproxyUrl);
  const links: RunningLink[] = [];
  for (const link of LINKS) {
    const proxy = await client.createProxy({
      name: linkName(link),
      listen: `${HOST}:${ctx.linkPort(link.client, link.server)}`,
      upstream: `${HOST}:${ctx.portOf(link.dedicatedListener ? dedicatedListenerPort(link) : link.server)}`,
      enabled: true,
    });
    links.push({ ...link, name: proxy.name, listen: proxy.listen, upstream: proxy.upstream });
  }
  return links;
}
