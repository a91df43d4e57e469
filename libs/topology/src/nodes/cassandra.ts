import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cassandraHealthy } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { provisionedClasspath } from '../toolchain';
import { launch, type LaunchContext, nodeDir } from './launch';

/**
 * The address every ring member is known by to its peers (its broadcast address): a loopback
 * address of its own, where Toxiproxy listens on the member's storage port. Members gossip and
 * send mutations to each other there, so a link `ring->cassandra-N` carries all of a member's
 * inbound ring traffic and a drill on it cuts or slows that member off from the others.
 * Members share the address and differ by port (Cassandra 4.0 and later name a peer by
 * address and port).
 */
export const RING_ADDRESS = '127.0.0.2';

export interface RingMember {
  /** Where the member listens for its peers (127.0.0.1), reached through the ring's proxy. */
  storagePort: number;
  /** The native (CQL) port clients use. */
  nativePort: number;
  /** Its local JMX port (nodetool, the metrics exporter). */
  jmxPort: number;
  /** The storage ports of the seeds, at RING_ADDRESS (the first member seeds the ring). */
  seedStoragePorts: number[];
}

/**
 * cassandra.yaml for one member: 5.0-style units, an explicit partitioner, 16 vnodes with
 * token allocation for replication factor 3, and no bootstrap streaming (the ring starts
 * empty). Hinted handoff keeps Cassandra's defaults (on, 3 h window).
 */
export function cassandraYaml(dir: string, member: RingMember): string {
  const seeds = member.seedStoragePorts.map((p) => `${RING_ADDRESS}:${p}`).join(',');
  return [
    'cluster_name: faultline',
    'num_tokens: 16',
    'allocate_tokens_for_local_replication_factor: 3',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    `data_file_directories: [${join(dir, 'data')}]`,
    `commitlog_directory: ${join(dir, 'commitlog')}`,
    `saved_caches_directory: ${join(dir, 'saved_caches')}`,
    `hints_directory: ${join(dir, 'hints')}`,
    `cdc_raw_directory: ${join(dir, 'cdc_raw')}`,
    'commitlog_sync: periodic',
    'commitlog_sync_period: 10000ms',
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: "${seeds}"`,
    `listen_address: ${HOST}`,
    `broadcast_address: ${RING_ADDRESS}`,
    `storage_port: ${member.storagePort}`,
    `rpc_address: ${HOST}`,
    `native_transport_port: ${member.nativePort}`,
    'start_native_transport: true',
    'endpoint_snitch: SimpleSnitch',
    'auto_bootstrap: false',
    'hinted_handoff_enabled: true',
    '',
  ].join('\n');
}

/** Logs to a file at INFO: without a configuration, Cassandra logs DEBUG to the console. */
const logbackXml = (logFile: string): string => `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${logFile}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

/** The module flags of Cassandra's conf/jvm17-server.options: it reaches into the JDK's internals. */
const JPMS_FLAGS = [
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'java.base/java.lang',
    'java.base/java.util',
  ].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
];

/**
 * One Apache Cassandra member (`org.apache.cassandra:cassandra-all` on the machine's Java),
 * with a small heap and C1 only: a ring of three fits beside the playground. Its gossip
 * settles in about a second (`ring_delay_ms`) instead of half a minute: members start one
 * after another, the first is the seed.
 */
export function launchCassandra(
  ctx: LaunchContext,
  spec: NodeSpec,
  member: RingMember,
): Promise<RunningNode> {
  const dir = nodeDir(ctx, spec.name);
  const config = join(dir, 'cassandra.yaml');
  const logback = join(dir, 'logback.xml');
  writeFileSync(config, cassandraYaml(dir, member));
  writeFileSync(logback, logbackXml(join(dir, 'system.log')));
  const classpath = provisionedClasspath('cassandraClasspathFile');
  return launch(ctx, spec, {
    process: {
      command: ctx.toolchain.java,
      args: [
        '-Xms256m',
        '-Xmx256m',
        '-Xss256k',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        '-Djdk.attach.allowAttachSelf=true',
        '-Dio.netty.tryReflectionSetAccessible=true',
        ...JPMS_FLAGS,
        `-Dcassandra.config=file://${config}`,
        `-Dlogback.configurationFile=${logback}`,
        `-Dcassandra.storagedir=${dir}`,
        `-Dcassandra.jmx.local.port=${member.jmxPort}`,
        '-Dcassandra-foreground=yes',
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        '-Dcassandra.ring_delay_ms=1000',
        '-cp',
        classpath,
        'org.apache.cassandra.service.CassandraDaemon',
      ],
    },
    healthy: () => cassandraHealthy({ host: HOST, port: member.nativePort }),
    timeoutMs: 90_000,
    extraPorts: { storage: member.storagePort, jmx: member.jmxPort },
  });
}
