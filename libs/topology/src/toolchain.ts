import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { TopologyError } from './errors';

/** Where the servers' binaries are; every path is checked before anything starts. */
export interface Toolchain {
  pgBinDir: string;
  redisServer: string;
  redisSentinel: string;
  prometheus: string;
  java: string;
  kafkaClasspath: string;
  toxiproxyServer: string;
  zipkinJar: string;
}

const PROVISION_HINT = 'run `npm run provision` (it installs what is missing)';

export const cacheDir = (): string =>
  process.env.FAULTLINE_CACHE_DIR ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'faultline');

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function required(path: string | undefined, what: string): string {
  if (path === undefined || !existsSync(path)) {
    throw new TopologyError(`${what} not found: ${PROVISION_HINT}`);
  }
  return path;
}

/** What scripts/provision.sh installs outside the system packages, recorded in toolchain.json. */
export interface ProvisionedTools {
  kafkaClasspathFile: string;
  /** The quorum lab's Cassandra jars, read only when the lab starts. */
  cassandraClasspathFile: string;
  toxiproxyServer: string;
  zipkinJar: string;
  helm: string;
  kubernetesValidate: string;
  checkov: string;
  schemathesis: string;
}

function readProvisionedTools(): Partial<ProvisionedTools> {
  const manifest = join(cacheDir(), 'toolchain.json');
  if (!existsSync(manifest)) {
    throw new TopologyError(`nothing is provisioned yet (${manifest} missing): ${PROVISION_HINT}`);
  }
  return JSON.parse(readFileSync(manifest, 'utf8')) as Partial<ProvisionedTools>;
}

/** The path of one provisioned tool, checked to exist. */
export const provisionedTool = (name: keyof ProvisionedTools): string =>
  required(readProvisionedTools()[name], name);

/** A classpath that provisioning resolved with Maven (the file holds one `:`-joined line). */
export const provisionedClasspath = (
  name: 'kafkaClasspathFile' | 'cassandraClasspathFile',
): string => readFileSync(provisionedTool(name), 'utf8').trim();

/** The consensus lab's etcd server (Debian's etcd-server), looked up only when the lab starts. */
export const etcdServer = (): string => required(onPath('etcd'), 'etcd (the consensus lab)');

export function resolveToolchain(): Toolchain {
  const pgBinDir = process.env.FAULTLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  required(join(pgBinDir, 'postgres'), `PostgreSQL server (${pgBinDir}/postgres)`);
  const javaHome = process.env.JAVA_HOME;
  return {
    pgBinDir,
    redisServer: required(onPath('redis-server'), 'redis-server'),
    redisSentinel: required(onPath('redis-sentinel'), 'redis-sentinel'),
    prometheus: required(onPath('prometheus'), 'prometheus'),
    java: required(javaHome ? join(javaHome, 'bin', 'java') : onPath('java'), 'java'),
    kafkaClasspath: provisionedClasspath('kafkaClasspathFile'),
    toxiproxyServer: provisionedTool('toxiproxyServer'),
    zipkinJar: provisionedTool('zipkinJar'),
  };
}
