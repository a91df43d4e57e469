import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { keepReplicationSlot, pgQuery, postgresHealthy } from '../health';
import {
  HOST,
  linkAddress,
  type NodeSpec,
  type RunningLink,
  type RunningNode,
  SYNCHRONOUS_STANDBY_NAMES,
  pgApplicationName,
} from '../model';
import type { RunAs } from '../processes';
import { launch, type LaunchContext, nodeDir } from './launch';

const run = promisify(execFile);
const PRIMARY = 'pg-primary';

/**
 * Settings every PostgreSQL node shares (pg_basebackup copies them to the standbys).
 * Node-specific settings live in faultline-node.conf; drills use ALTER SYSTEM, whose
 * postgresql.auto.conf is read last and so wins over both.
 */
const SHARED_CONF = `
# faultline
listen_addresses = '${HOST}'
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
# Two standbys cloned at once each force a checkpoint; without kept WAL one clone can
# find its start segment already recycled before its slot holds it.
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
# pg_rewind needs it to bring a former primary back as a standby after a failover.
wal_log_hints = on
wal_receiver_status_interval = 1s
wal_sender_timeout = 10s
wal_receiver_timeout = 10s
# A standby whose primary moved reconnects (through its link, to the new one) within a second.
wal_retrieve_retry_interval = 1s
synchronous_standby_names = '${SYNCHRONOUS_STANDBY_NAMES}'
synchronous_commit = remote_apply
# The services' pools and the observer use about 40; \`npm run bench\` runs pgbench with 64 more.
max_connections = 120
shared_buffers = 32MB
# The data is throwaway and the drills kill processes, not machines: the OS cache survives.
fsync = off
include_if_exists = 'faultline-node.conf'
`;

const HBA = `local all all trust
host all all ${HOST}/32 trust
host replication all ${HOST}/32 trust
`;

/** Where the PostgreSQL binaries are, and whom they run as (PostgreSQL refuses root). */
interface PgTools {
  binDir: string;
  runAs?: RunAs;
}

async function asPostgres(tools: PgTools, binary: string, args: string[]): Promise<void> {
  try {
    await run(join(tools.binDir, binary), args, {
      uid: tools.runAs?.uid,
      gid: tools.runAs?.gid,
      timeout: 120_000,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${binary} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

function ownedByPostgres(runAs: RunAs | undefined, path: string): string {
  if (runAs) chownSync(path, runAs.uid, runAs.gid);
  return path;
}

function writeNodeConf(dataDir: string, lines: string[]): void {
  writeFileSync(join(dataDir, 'faultline-node.conf'), `${lines.join('\n')}\n`);
}

async function initPrimary(ctx: LaunchContext, spec: NodeSpec, dataDir: string): Promise<void> {
  await asPostgres(toolsOf(ctx), 'initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
  ]);
  appendFileSync(join(dataDir, 'postgresql.conf'), SHARED_CONF);
  writeFileSync(join(dataDir, 'pg_hba.conf'), HBA);
  writeNodeConf(dataDir, [`port = ${ctx.portOf(spec.name)}`]);
}

/** A standby as one node is: its own port, streaming through its link to the primary. */
interface Standby {
  name: string;
  port: number;
  /** The Toxiproxy listen port of its link `<name>->pg-primary`. */
  linkPort: number;
  dataDir: string;
}

/**
 * Makes a data directory a standby of the primary behind its link. Copies from the primary
 * (a clone, a rewind) bring the primary's own settings, so the node's are written again and
 * ALTER SYSTEM's (a drill's, on the primary) dropped.
 */
function becomeStandby(runAs: RunAs | undefined, standby: Standby): void {
  const applicationName = pgApplicationName(standby.name);
  writeNodeConf(standby.dataDir, [
    `port = ${standby.port}`,
    `primary_conninfo = 'host=${HOST} port=${standby.linkPort} user=postgres application_name=${applicationName}'`,
    `primary_slot_name = '${applicationName}'`,
  ]);
  writeFileSync(join(standby.dataDir, 'postgresql.auto.conf'), '# ALTER SYSTEM settings\n');
  ownedByPostgres(runAs, join(standby.dataDir, 'postgresql.auto.conf'));
  writeFileSync(join(standby.dataDir, 'standby.signal'), '');
  ownedByPostgres(runAs, join(standby.dataDir, 'standby.signal'));
}

/** A fresh copy of the primary, through the standby's link, holding its replication slot. */
async function cloneStandby(tools: PgTools, standby: Standby, createSlot: boolean): Promise<void> {
  const applicationName = pgApplicationName(standby.name);
  await asPostgres(tools, 'pg_basebackup', [
    '-h',
    HOST,
    '-p',
    String(standby.linkPort),
    '-U',
    'postgres',
    '-D',
    standby.dataDir,
    '-X',
    'stream',
    ...(createSlot ? ['-C'] : []),
    '-S',
    applicationName,
    '--checkpoint=fast',
  ]);
  becomeStandby(tools.runAs, standby);
}

const toolsOf = (ctx: LaunchContext): PgTools => ({
  binDir: ctx.toolchain.pgBinDir,
  runAs: ctx.postgresUser,
});

const linkToPrimary = (links: readonly RunningLink[], node: string): number => {
  const link = links.find((l) => l.client === node && l.server === PRIMARY);
  if (!link) throw new Error(`${node} has no link to ${PRIMARY}`);
  return linkAddress(link).port;
};

/**
 * Brings a former primary back as a standby of the primary now (the roles file says it is a
 * replica, but its data is not a standby's): pg_rewind undoes what it wrote after the new
 * primary's timeline forked (it runs crash recovery first when the node was killed), and when
 * rewind cannot, a fresh clone replaces its data. Both go through its link, so a cut link
 * fails the rejoin and the supervisor tries again later.
 */
export async function rejoinAsStandby(
  node: RunningNode,
  links: readonly RunningLink[],
): Promise<'rewound' | 'cloned' | undefined> {
  const dataDir = node.process.args[node.process.args.indexOf('-D') + 1]!;
  if (existsSync(join(dataDir, 'standby.signal'))) return undefined;
  const tools: PgTools = { binDir: dirname(node.process.command), runAs: node.process.runAs };
  const standby: Standby = {
    name: node.name,
    port: node.port,
    linkPort: linkToPrimary(links, node.name),
    dataDir,
  };
  // The new primary keeps this node's WAL from now on, whether it rewinds or clones.
  await keepReplicationSlot({ host: HOST, port: standby.linkPort }, node.name);
  // pg_rewind reads the new timeline from the primary's control file, which only its first
  // checkpoint after promotion writes: before that it sees one timeline and rewinds nothing.
  await pgQuery({ host: HOST, port: standby.linkPort }, 'CHECKPOINT');
  try {
    await asPostgres(tools, 'pg_rewind', [
      `--target-pgdata=${dataDir}`,
      `--source-server=host=${HOST} port=${standby.linkPort} user=postgres dbname=postgres`,
    ]);
    becomeStandby(tools.runAs, standby);
    return 'rewound';
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    await cloneStandby(tools, standby, false).catch((clone: Error) => {
      throw new Error(`${node.name} could not rejoin: ${(err as Error).message}; ${clone.message}`);
    });
    return 'cloned';
  }
}

export async function launchPostgres(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const dataDir = join(ownedByPostgres(ctx.postgresUser, nodeDir(ctx, spec.name)), 'data');
  if (spec.role === 'primary') await initPrimary(ctx, spec, dataDir);
  else {
    // The first clone comes straight from the primary; replication then goes through the link.
    const standby = { name: spec.name, port: ctx.portOf(spec.name), dataDir };
    await cloneStandby(toolsOf(ctx), { ...standby, linkPort: ctx.portOf(PRIMARY) }, true);
    becomeStandby(ctx.postgresUser, { ...standby, linkPort: ctx.linkPort(spec.name, PRIMARY) });
  }
  if (ctx.postgresUser) {
    await run('chown', ['-R', `${ctx.postgresUser.uid}:${ctx.postgresUser.gid}`, dataDir]);
  }
  const port = ctx.portOf(spec.name);
  const role = spec.role === 'primary' ? 'primary' : 'replica';
  return launch(ctx, spec, {
    process: {
      command: join(ctx.toolchain.pgBinDir, 'postgres'),
      args: ['-D', dataDir],
      runAs: ctx.postgresUser,
    },
    healthy: () => postgresHealthy({ host: HOST, port }, role),
  });
}
