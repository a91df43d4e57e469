import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaHealthy } from '../health';
import { dedicatedListenerPort, HOST, LINKS, type NodeSpec, type RunningNode } from '../model';
import { launch, type LaunchContext, nodeDir } from './launch';

const run = promisify(execFile);

const LOG4J2 = `rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`;

/** A KRaft cluster id: 16 random bytes, base64url without padding, as `kafka-storage random-uuid` makes. */
const clusterId = (): string => randomBytes(16).toString('base64url');

/** Extra port the broker needs besides its client listener. */
export const KAFKA_EXTRA_PORTS = ['controller'] as const;

export async function launchKafka(
  ctx: LaunchContext,
  spec: NodeSpec,
  controllerPort: number,
): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const dir = nodeDir(ctx, spec.name);
  const properties = join(dir, 'server.properties');
  // One listener per link to the broker, advertised at the link's own address.
  const linked = LINKS.filter((l) => l.server === spec.name && l.dedicatedListener).map((l, i) => ({
    name: `LINK${i}`,
    port: ctx.portOf(dedicatedListenerPort(l)),
    advertised: ctx.linkPort(l.client, l.server),
  }));
  const listeners = [
    `PLAINTEXT://${HOST}:${port}`,
    `CONTROLLER://${HOST}:${controllerPort}`,
    ...linked.map((l) => `${l.name}://${HOST}:${l.port}`),
  ];
  const advertised = [
    `PLAINTEXT://${HOST}:${port}`,
    ...linked.map((l) => `${l.name}://${HOST}:${l.advertised}`),
  ];
  const protocols = [
    'PLAINTEXT:PLAINTEXT',
    'CONTROLLER:PLAINTEXT',
    ...linked.map((l) => `${l.name}:PLAINTEXT`),
  ];
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=0',
      `controller.quorum.voters=0@${HOST}:${controllerPort}`,
      `listeners=${listeners.join(',')}`,
      `advertised.listeners=${advertised.join(',')}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=${protocols.join(',')}`,
      `log.dirs=${join(dir, 'data')}`,
      // Topics are created on purpose by the services, never by a typo.
      'auto.create.topics.enable=false',
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  writeFileSync(log4j, LOG4J2);
  const jvm = [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    // C1 only: the optimising compiler spent more CPU than the broker did on the playground's
    // trickle of events (its threads were two thirds of an idle broker's CPU).
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    ctx.toolchain.kafkaClasspath,
  ];
  try {
    await run(
      ctx.toolchain.java,
      // `=` forms: a random id may begin with '-' and must not read as an option.
      [
        ...jvm,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId()}`,
        `--config=${properties}`,
      ],
      { timeout: 120_000 },
    );
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`kafka storage format failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
  return launch(ctx, spec, {
    process: { command: ctx.toolchain.java, args: [...jvm, 'kafka.Kafka', properties] },
    healthy: () => kafkaHealthy({ host: HOST, port }),
    timeoutMs: 90_000,
    extraPorts: { controller: controllerPort },
  });
}
