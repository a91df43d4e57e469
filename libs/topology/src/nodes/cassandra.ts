import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASSANDRA_DATACENTER, cassandraHealthy } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { repoRoot } from '../repository';
import { provisionedClasspath } from '../toolchain';
import { launch, type LaunchContext, nodeDir } from './launch';

/** The ports a ring member has besides its native (CQL) port, which is the node's own. */
export const MEMBER_PORTS = ['storage', 'jmx', 'metrics'] as const;

/** The name of one of a member's ports among a topology's ports: `cassandra-0:storage`. */
export const memberPort = (member: string, port: (typeof MEMBER_PORTS)[number]): string =>
  `${member}:${port}`;

export interface RingMember {
  /** Where the member listens for its peers (127.0.0.1), reached through the ring's proxy. */
  storagePort: number;
  /** The native (CQL) port clients use. */
  nativePort: number;
  /** Its local JMX port (nodetool). */
  jmxPort: number;
  /** Where its Prometheus JMX exporter serves /metrics. */
  metricsPort: number;
  /** The address the member is known by to peers and clients (see memberAddress). */
  address: string;
  /** Every member of the ring by name and address (phi is labelled with the peer's name). */
  peers: readonly { name: string; address: string }[];
  /** The seeds' `address:storage port` (the first member seeds the ring). */
  seeds: string[];
}

/**
 * Where one member runs: locally every member listens on HOST with ports of its own; in
 * Kubernetes on its pod's address, with placeholders its start script fills in (the chart's
 * copy, `npm run chart:sync`).
 */
export interface MemberPlacement {
  dataDir: string;
  listenAddress: string;
  rpcAddress: string;
  /** The address the member is known by to its peers and clients (see memberAddress). */
  broadcastAddress: string;
  storagePort: number | string;
  nativePort: number | string;
  /** The seeds' `address:storage port` (the first member seeds the ring). */
  seeds: string[];
}

/**
 * cassandra.yaml for one member: 5.0-style units, an explicit partitioner, 16 vnodes with
 * token allocation for replication factor 3, and no bootstrap streaming (the ring starts
 * empty). Hinted handoff keeps Cassandra's defaults (on, 3 h window).
 */
export function cassandraYaml(member: MemberPlacement): string {
  const dir = member.dataDir;
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
    `      - seeds: "${member.seeds.join(',')}"`,
    `listen_address: ${member.listenAddress}`,
    `broadcast_address: ${member.broadcastAddress}`,
    `storage_port: ${member.storagePort}`,
    `rpc_address: ${member.rpcAddress}`,
    `broadcast_rpc_address: ${member.broadcastAddress}`,
    `native_transport_port: ${member.nativePort}`,
    'start_native_transport: true',
    // A ONE read that a member coordinates is served by that member when it holds the data (a
    // network-topology snitch ranks the coordinator first; the dynamic snitch would rank by
    // latency): so a ONE read through a member shows that member's own data.
    'endpoint_snitch: GossipingPropertyFileSnitch',
    'dynamic_snitch: false',
    // Cassandra's default is 8: a cut member is convicted about 18 s after its last heartbeat.
    // 5 (the lowest the docs advise) takes about 12 s, so a drill shows the ring's view change.
    'phi_convict_threshold: 5',
    'auto_bootstrap: false',
    'hinted_handoff_enabled: true',
    '',
  ].join('\n');
}

/** The snitch's placement of every member: one datacenter, one rack. */
export const rackdcProperties = (): string => `dc=${CASSANDRA_DATACENTER}\nrack=rack1\n`;

/** A JMX exporter rule: the MBean attribute `pattern` matches, exported as `name`. */
const rule = (pattern: string, name: string, type: 'GAUGE' | 'COUNTER', labels = {}) =>
  [
    `  - pattern: '${pattern}'`,
    `    name: ${name}`,
    `    type: ${type}`,
    ...Object.entries(labels).map(
      ([k, v], i) => `${i === 0 ? '    labels:\n' : ''}      ${k}: "${v}"`,
    ),
  ].join('\n');

const escaped = (address: string) => address.replace(/\./g, '\\.');

/**
 * The Prometheus JMX exporter's configuration: only what the quorum lab shows, renamed into
 * faultline's metrics (a member has thousands of MBeans; per-table ones would make every scrape
 * slow). `peers` names the members by the address they are known by, so a phi is labelled with
 * the peer's node name.
 */
export function jmxExporterYaml(peers: readonly { name: string; address: string }[]): string {
  const metric = (bean: string, attribute: string) =>
    `org.apache.cassandra.metrics<type=${bean}><>${attribute}`;
  return [
    'lowercaseOutputName: true',
    'includeObjectNames:',
    ...[
      'org.apache.cassandra.net:type=FailureDetector',
      'org.apache.cassandra.metrics:type=HintsService,*',
      'org.apache.cassandra.metrics:type=Storage,*',
      'org.apache.cassandra.metrics:type=ReadRepair,*',
      'org.apache.cassandra.metrics:type=ClientRequest,scope=Read,*',
      'org.apache.cassandra.metrics:type=ClientRequest,scope=Write,*',
    ].map((name) => `  - "${name}"`),
    'rules:',
    ...peers.map((peer) =>
      rule(
        `org.apache.cassandra.net<type=FailureDetector, Endpoint=[^/]*/${escaped(peer.address)}:\\d+><PhiValuesWithPort>PHI`,
        'faultline_cassandra_phi',
        'GAUGE',
        { peer: peer.name },
      ),
    ),
    rule(
      'org.apache.cassandra.net<type=FailureDetector><>UpEndpointCount',
      'faultline_cassandra_members',
      'GAUGE',
      { state: 'up' },
    ),
    rule(
      'org.apache.cassandra.net<type=FailureDetector><>DownEndpointCount',
      'faultline_cassandra_members',
      'GAUGE',
      { state: 'down' },
    ),
    rule(
      'org.apache.cassandra.net<type=FailureDetector><>PhiConvictThreshold',
      'faultline_cassandra_phi_convict_threshold',
      'GAUGE',
    ),
    rule(
      metric('Storage, name=TotalHints', 'Count'),
      'faultline_cassandra_hints_written_total',
      'COUNTER',
    ),
    rule(
      metric('Storage, name=TotalHintsInProgress', 'Count'),
      'faultline_cassandra_hints_in_progress',
      'GAUGE',
    ),
    ...[
      ['HintsSucceeded', 'delivered'],
      ['HintsFailed', 'failed'],
      ['HintsTimedOut', 'timed-out'],
    ].map(([bean, outcome]) =>
      rule(
        metric(`HintsService, name=${bean}`, 'Count'),
        'faultline_cassandra_hints_dispatched_total',
        'COUNTER',
        { outcome },
      ),
    ),
    ...[
      ['Attempted', 'attempted'],
      ['RepairedBlocking', 'blocking'],
      ['RepairedBackground', 'background'],
    ].map(([bean, kind]) =>
      rule(
        metric(`ReadRepair, name=${bean}`, 'Count'),
        'faultline_cassandra_read_repairs_total',
        'COUNTER',
        { kind },
      ),
    ),
    ...['Read', 'Write'].flatMap((scope) =>
      [
        ['Unavailables', 'unavailable'],
        ['Timeouts', 'timeout'],
      ].map(([bean, reason]) =>
        rule(
          `org.apache.cassandra.metrics<type=ClientRequest, scope=${scope}, name=${bean}><>Count`,
          'faultline_cassandra_client_request_failures_total',
          'COUNTER',
          { request: scope.toLowerCase(), reason },
        ),
      ),
    ),
    '',
  ].join('\n');
}

/** The exporter's agent jar, which provisioning resolves with Cassandra's jars. */
function jmxExporterAgent(classpath: string): string {
  const jar = classpath.split(':').find((p) => /jmx_prometheus_javaagent-[^/]*\.jar$/.test(p));
  if (!jar) throw new Error('the JMX exporter is not provisioned: run `npm run provision`');
  return jar;
}

/**
 * Whether a member's gossip counts every member of a ring of `size` up and none down, as its
 * exporter (`faultline_cassandra_members`) says. A member answers CQL before its gossip has
 * seen the members started after it, and a coordinator refuses ALL until it has.
 */
export async function seesWholeRing(metricsUrl: string, size: number): Promise<boolean> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
  const text = await response.text();
  const count = (state: string) =>
    Number(
      new RegExp(`^faultline_cassandra_members\\{state="${state}"\\} (\\S+)$`, 'm').exec(text)?.[1],
    );
  return count('up') === size && count('down') === 0;
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

/**
 * The module flags Cassandra needs on Java 17 (it reaches into the JDK's internals), one file
 * shared with the offline cluster's Cassandra image.
 */
export const jvm17ServerOptions = (): string[] =>
  readFileSync(join(repoRoot(), 'tools', 'cassandra', 'jvm17-server.options'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

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
  writeFileSync(
    config,
    cassandraYaml({
      dataDir: dir,
      listenAddress: HOST,
      rpcAddress: HOST,
      broadcastAddress: member.address,
      storagePort: member.storagePort,
      nativePort: member.nativePort,
      seeds: member.seeds,
    }),
  );
  writeFileSync(logback, logbackXml(join(dir, 'system.log')));
  const rackdc = join(dir, 'cassandra-rackdc.properties');
  writeFileSync(rackdc, rackdcProperties());
  const classpath = provisionedClasspath('cassandraClasspathFile');
  const exporterConfig = join(dir, 'jmx-exporter.yaml');
  writeFileSync(exporterConfig, jmxExporterYaml(member.peers));
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
        ...jvm17ServerOptions(),
        `-javaagent:${jmxExporterAgent(classpath)}=${HOST}:${member.metricsPort}:${exporterConfig}`,
        `-Dcassandra.config=file://${config}`,
        `-Dlogback.configurationFile=${logback}`,
        `-Dcassandra-rackdc.properties=file://${rackdc}`,
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
    extraPorts: { storage: member.storagePort, jmx: member.jmxPort, metrics: member.metricsPort },
  });
}
