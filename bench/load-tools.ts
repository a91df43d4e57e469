import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './statistics';

/** One side of a pair: what a load run measured. */
export interface LoadResult {
  tool: string;
  /** What was loaded: the URL, or the datastore's address. */
  url: string;
  clients: number;
  /** Completed requests (or transactions) per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors: non-2xx answers, failed transactions. */
  errors: number;
  /** CPU seconds the load generator itself used, per second of the run (1 = one core). */
  generatorCores: number;
}

/**
 * Runs a command under bash and reads the CPU its children used from bash's `times`: how much
 * of the machine the load generator took from the services it measured.
 */
async function runMeasured(
  command: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; cpuSeconds: number; wallSeconds: number }> {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = process.hrtime.bigint();
  const child = spawn('bash', ['-c', `${quoted}; status=$?; times >&2; exit $status`], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${command[0]} exited ${code}: ${stderr.slice(-2000)}`);
  // `times`: the shell's user/sys, then its children's: "0m1.234s 0m0.456s".
  const lines = stderr.trim().split('\n');
  const children = lines.at(-1)!.match(/(\d+)m([\d.]+)s/g) ?? [];
  const cpuSeconds = children
    .map((t) => /(\d+)m([\d.]+)s/.exec(t)!)
    .reduce((sum, [, m, s]) => sum + Number(m) * 60 + Number(s), 0);
  return { stdout, cpuSeconds, wallSeconds };
}

/** wrk's report, as its Lua `done` hook writes it. */
const WRK_REPORT = `
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format('{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors))
end
`;

/**
 * HTTP load with wrk (C, one thread: it leaves the cores to the services): `script` may define
 * wrk's `request` (a Lua function building each request).
 */
export async function wrk(
  url: string,
  clients: number,
  seconds: number,
  dir: string,
  script = '',
): Promise<LoadResult> {
  const file = join(dir, `wrk-${clients}.lua`);
  writeFileSync(file, `${script}\n${WRK_REPORT}`);
  const run = await runMeasured([
    'wrk',
    '-t1',
    `-c${clients}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    url,
  ]);
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p99Us: number;
    errors: number;
  };
  return {
    tool: 'wrk',
    url,
    clients,
    rate: report.requests / (report.durationUs / 1e6),
    p50Ms: report.p50Us / 1000,
    p99Ms: report.p99Us / 1000,
    errors: report.errors,
    generatorCores: run.cpuSeconds / run.wallSeconds,
  };
}

/**
 * pgbench running `scripts` (files, equal weights) with per-transaction logs, so p50 and p99
 * come from every transaction's latency, like wrk's.
 */
export async function pgbench(
  connection: { host: string; port: number; user: string; database: string; options: string },
  scripts: string[],
  clients: number,
  seconds: number,
  dir: string,
): Promise<LoadResult> {
  const prefix = join(dir, `pgbench-${clients}`);
  const run = await runMeasured(
    [
      '/usr/lib/postgresql/15/bin/pgbench',
      '-h',
      connection.host,
      '-p',
      String(connection.port),
      '-U',
      connection.user,
      // The extended protocol, as node-postgres sends a parameterised query.
      '-M',
      'extended',
      '-n',
      '-c',
      String(clients),
      '-j',
      '1',
      '-T',
      String(seconds),
      '--log',
      `--log-prefix=${prefix}`,
      ...scripts.flatMap((s) => ['-f', s]),
      connection.database,
    ],
    // The service's session: its schema on the path, its statement timeout.
    { ...process.env, PGAPPNAME: 'faultline-bench', PGOPTIONS: connection.options },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(run.stdout)?.[1] ?? 0);
  const latencies = readdirSync(dir)
    .filter((f) => f.startsWith(`pgbench-${clients}.`))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[2]) / 1000),
    )
    .sort((a, b) => a - b);
  return {
    tool: 'pgbench',
    url: `postgresql://${connection.host}:${connection.port}/${connection.database}`,
    clients,
    rate: tps,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: failed,
    generatorCores: run.cpuSeconds / run.wallSeconds,
  };
}

/** redis-benchmark GET (Redis 7: its CSV has the percentiles). */
export async function redisBenchmarkGet(
  address: { host: string; port: number },
  clients: number,
  requests: number,
): Promise<LoadResult> {
  const run = await runMeasured([
    'redis-benchmark',
    '-h',
    address.host,
    '-p',
    String(address.port),
    '-t',
    'get',
    '-c',
    String(clients),
    '-n',
    String(requests),
    '--threads',
    '1',
    '--csv',
  ]);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = run.stdout
    .trim()
    .split('\n')
    .find((l) => l.startsWith('"GET"'))!
    .split(',')
    .map((v) => v.replace(/"/g, ''));
  return {
    tool: 'redis-benchmark',
    url: `redis://${address.host}:${address.port}`,
    clients,
    rate: Number(row[1]),
    p50Ms: Number(row[4]),
    p99Ms: Number(row[6]),
    errors: 0,
    generatorCores: run.cpuSeconds / run.wallSeconds,
  };
}
