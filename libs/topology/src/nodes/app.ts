import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TopologyError } from '../errors';
import { repoRoot } from '../repository';
import { httpOk } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { launch, type LaunchContext } from './launch';
import { zipkinSpansEndpoint } from './zipkin';

/**
 * Starts one of the project's Nest apps as the image runs it: `bin/service.js <app>`, which
 * loads the telemetry preload first (so tracing hooks load before Nest, pg and the rest), then
 * the app's main, with only the environment `env` gives (plus PATH and the OTEL_ exporter
 * settings of the caller, so a user's collector sees local runs too).
 */
export async function launchApp(
  ctx: LaunchContext,
  spec: NodeSpec,
  app: string,
  env: Record<string, string>,
): Promise<RunningNode> {
  const root = repoRoot();
  const entry = join(root, 'bin', 'service.js');
  const main = join(root, 'dist', 'apps', app, 'src', 'main.js');
  const preload = join(root, 'dist', 'libs', 'telemetry', 'src', 'preload.js');
  // Checked here too, so a missing build fails fast with the node's name, not after a timeout.
  if (!existsSync(main) || !existsSync(preload)) {
    throw new TopologyError(
      `${spec.name}: ${app} is not built (${main} missing): run \`npm run build\``,
    );
  }
  const port = ctx.portOf(spec.name);
  const url = `http://${HOST}:${port}`;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        k === 'PATH' || k === 'HOME' || k === 'OTEL_SDK_DISABLED' || k.startsWith('OTEL_EXPORTER_'),
    ),
  ) as Record<string, string>;
  // Traces go to the topology's Zipkin, unless the user points the services at an OTLP
  // endpoint of their own (the standard variables, passed on above) or turns tracing off
  // (OTEL_SDK_DISABLED=true: `npm run bench` measures telemetry's cost that way).
  const traces =
    inherited.OTEL_EXPORTER_OTLP_ENDPOINT ||
    inherited.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    inherited.OTEL_SDK_DISABLED === 'true'
      ? {}
      : {
          OTEL_TRACES_EXPORTER: 'zipkin',
          OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkinSpansEndpoint(
            `http://${HOST}:${ctx.portOf('zipkin')}`,
          ),
        };
  return launch(ctx, spec, {
    process: {
      command: process.execPath,
      args: [entry, app],
      env: { ...inherited, ...traces, ...env, PORT: String(port), BIND_ADDRESS: HOST },
      replaceEnv: true,
    },
    healthy: () => httpOk(`${url}/ready`),
    url,
    timeoutMs: 60_000,
  });
}
