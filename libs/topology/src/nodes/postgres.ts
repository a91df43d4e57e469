import { execFile } from 'node:child_process';
import { chownSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresHealthy } from '../health';
import {
  HOST,
  type NodeSpec,
  type RunningNode,
  SYNCHRONOUS_STANDBY_NAMES,
  pgApplicationName,
} from '../model';
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
wal_receiver_status_interval = 1s
wal_sender_timeout = 10s
wal_receiver_timeout = 10s
synchronous_standby_names = '${SYNCHRONOUS_STANDBY_NAMES}'
synchronous_commit = remote_apply
max_connections = 60
shared_buffers = 32MB
# The data is throwaway and the drills kill processes, not machines: the OS cache survives.
fsync = off
include_if_exists = 'faultline-node.conf'
`;

const HBA = `local all all trust
host all all ${HOST}/32 trust
host replication all ${HOST}/32 trust
`;

async function asPostgres(ctx: LaunchContext, binary: string, args: string[]): Promise<void> {
  try {
    await run(join(ctx.toolchain.pgBinDir, binary), args, {
      uid: ctx.postgresUser?.uid,
      gid: ctx.postgresUser?.gid,
      timeout: 120_000,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${binary} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

function ownedByPostgres(ctx: LaunchContext, dir: string): string {
  if (ctx.postgresUser) chownSync(dir, ctx.postgresUser.uid, ctx.postgresUser.gid);
  return dir;
}

function writeNodeConf(dataDir: string, lines: string[]): void {
  writeFileSync(join(dataDir, 'faultline-node.conf'), `${lines.join('\n')}\n`);
}

async function initPrimary(ctx: LaunchContext, spec: NodeSpec, dataDir: string): Promise<void> {
  await asPostgres(ctx, 'initdb', [
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

/** A standby cloned from the primary, replicating through its Toxiproxy link. */
async function initReplica(ctx: LaunchContext, spec: NodeSpec, dataDir: string): Promise<void> {
  const applicationName = pgApplicationName(spec.name);
  await asPostgres(ctx, 'pg_basebackup', [
    '-h',
    HOST,
    '-p',
    String(ctx.portOf(PRIMARY)),
    '-U',
    'postgres',
    '-D',
    dataDir,
    '-X',
    'stream',
    '-C',
    '-S',
    applicationName,
    '--checkpoint=fast',
  ]);
  const link = ctx.linkPort(spec.name, PRIMARY);
  writeNodeConf(dataDir, [
    `port = ${ctx.portOf(spec.name)}`,
    `primary_conninfo = 'host=${HOST} port=${link} user=postgres application_name=${applicationName}'`,
    `primary_slot_name = '${applicationName}'`,
  ]);
  writeFileSync(join(dataDir, 'standby.signal'), '');
}

export async function launchPostgres(ctx: LaunchContext, spec: NodeSpec): Promise<RunningNode> {
  const dataDir = join(ownedByPostgres(ctx, nodeDir(ctx, spec.name)), 'data');
  if (spec.role === 'primary') await initPrimary(ctx, spec, dataDir);
  else await initReplica(ctx, spec, dataDir);
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
