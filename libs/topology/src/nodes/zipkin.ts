import { httpOk } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { launch, type LaunchContext } from './launch';

/** Where a service sends its spans (Zipkin's v2 JSON API): OTEL_EXPORTER_ZIPKIN_ENDPOINT. */
export const zipkinSpansEndpoint = (zipkinUrl: string): string => `${zipkinUrl}/api/v2/spans`;

/**
 * Zipkin (the `io.zipkin:zipkin-server` exec jar on the machine's Java), keeping spans in
 * memory: the traces of the last minutes, with its UI at `/zipkin/`. Armeria listens on the
 * loopback address only (by default it would take every interface).
 */
export function launchZipkin(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const url = `http://${HOST}:${port}`;
  return launch(ctx, spec, {
    process: {
      command: ctx.toolchain.java,
      args: [
        '-Xms64m',
        '-Xmx192m',
        '-XX:+UseSerialGC',
        // It starts in about 5 s instead of 10, and serves a playground's traces as well.
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        '-jar',
        ctx.toolchain.zipkinJar,
        `--armeria.ports[0].ip=${HOST}`,
        `--armeria.ports[0].port=${port}`,
        '--armeria.ports[0].protocols[0]=http',
      ],
      env: { STORAGE_TYPE: 'mem', MEM_MAX_SPANS: '200000' },
    },
    healthy: () => httpOk(`${url}/health`),
    url,
    timeoutMs: 60_000,
  });
}
