/**
 * The service layer beside the databases' own benchmarks, on a local topology of real servers,
 * side by side (issue 18): each pair runs over the same Toxiproxy link at the same concurrency,
 * one after the other, so a ratio cancels most of the machine's drift.
 * - `POST /payments` (wrk) vs pgbench running the service's own transaction (claim the key,
 *   debit the account and insert the payment in one statement, record the response, COMMIT to
 *   a sync standby: five round trips);
 * - `GET /products/:sku`, an eventual read from the replica (wrk), vs redis-benchmark GET on
 *   that replica's link;
 * - the CLI's latency (`node bin/faultline.js drills`);
 * - a heal's way to Prometheus: from the heal's answer to `faultline_link_up` showing it;
 * - telemetry's cost: the two services on a topology with tracing and on one without, in turn;
 * - the idle playground's CPU and RSS.
 * Each load generator's own CPU is measured too: it must not starve the services.
 * Usage: npm run bench -- [SECONDS=15]  -> a table, and bench/results/service-layer-<time>.json
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DATABASE, linkAddress, waitUntil } from '@faultline/topology';
import { backgroundWorkloadRate } from '../apps/cli/src/commands/up';
import { profileProcess } from './cpu-profile';
import { type Footprint, measureFootprint } from './footprint';
import { median } from './statistics';
import { interrupted, startBenchTopology, stopBenchTopology } from './topologies';
import { type LoadResult, pgbench, redisBenchmarkGet, wrk } from './load-tools';

const SECONDS = Number(process.argv[2] ?? 15);
/** The idle playground is measured over this long, once start-up's own work has settled. */
const IDLE_SECONDS = 60;
/** Runs of each service with telemetry on and off, alternating. */
const TELEMETRY_ROUNDS = 3;
/** Runs of the CLI timed. */
const CLI_RUNS = 7;
const SETTLE_SECONDS = 20;
const CONCURRENCY = (process.env.BENCH_CLIENTS ?? '16,64').split(',').map(Number);
const ACCOUNTS = 64;
/** Nodes to take a CPU profile of during their first load run (`BENCH_PROFILE=payments-0,catalog-a`). */
const PROFILE = new Set((process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean));

interface Pair {
  what: string;
  clients: number;
  service: LoadResult;
  reference: LoadResult;
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The service's transaction for pgbench, one script per account (pgbench picks one at random). */
function paymentScript(accountId: string): string {
  return `\\set k random(1, 9223372036854775806)
BEGIN;
INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
  VALUES ('payment', 'pgbench-' || :k, 'bench', now() + make_interval(secs => 86400))
  ON CONFLICT (scope, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
        created_at = now(), expires_at = EXCLUDED.expires_at, last_replayed_at = NULL
    WHERE idempotency_keys.expires_at <= now()
  RETURNING key;
WITH debited AS (
    UPDATE accounts SET balance = balance - 1 WHERE id = '${accountId}' AND balance >= 1 RETURNING id)
  INSERT INTO payments (account_id, amount, reference, idempotency_key)
  SELECT id, 1, 'bench', 'pgbench-' || :k FROM debited
  RETURNING id, account_id, amount, reference, idempotency_key, created_at;
UPDATE idempotency_keys SET response_status = 201, response_body = '{"bench": true}'
  WHERE scope = 'payment' AND key = 'pgbench-' || :k;
COMMIT;
`;
}

/** wrk's requests: a payment of 1 from one of the accounts, each under a key of its own. */
function paymentRequests(accountIds: string[], run: string): string {
  return `
local accounts = { ${accountIds.map((a) => `"${a}"`).join(', ')} }
local n = 0
request = function()
  n = n + 1
  local account = accounts[(n % #accounts) + 1]
  local body = '{"accountId":"' .. account .. '","amount":1,"reference":"bench"}'
  return wrk.format("POST", "/payments",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "${run}-" .. n }, body)
end
`;
}

async function cliLatency(stateDir: string): Promise<{ medianMs: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    const started = process.hrtime.bigint();
    await promisify(execFile)(
      process.execPath,
      [join(__dirname, '..', '..', 'bin', 'faultline.js'), 'drills'],
      {
        env: { ...process.env, FAULTLINE_STATE_DIR: stateDir },
      },
    );
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { medianMs: median(runs), runs };
}

/**
 * From a heal's answer to Prometheus showing the link healed (`faultline_link_up` 1), over
 * `rounds` partitions of one link: what a user watching a dashboard waits for.
 */
async function healToVisible(
  control: string,
  prometheus: string,
  token: string,
  link: string,
  rounds = 5,
): Promise<{ medianMs: number; maxMs: number; runs: number[] }> {
  const headers = { authorization: `Bearer ${token}` };
  const linkUp = async (): Promise<number | undefined> => {
    const query = encodeURIComponent(`faultline_link_up{link="${link}"}`);
    const body = await json<{ data: { result: { value: [number, string] }[] } }>(
      `${prometheus}/api/v1/query?query=${query}`,
    );
    const value = body.data.result[0]?.value[1];
    return value === undefined ? undefined : Number(value);
  };
  // Polled every 25 ms: the resolution of what is measured.
  const until = (want: number) =>
    waitUntil(
      `${link}: faultline_link_up ${want}`,
      async () => (await linkUp()) === want,
      15_000,
      undefined,
      25,
    );
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const drill = await json<{ id: string }>(`${control}/drills`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'partition', target: link, ttlSeconds: 60 }),
    });
    await until(0);
    // Seen cut at a scrape; healing at once would always land just after it, a whole scrape
    // interval from the next: spread the heals over the interval instead.
    await new Promise((r) => setTimeout(r, (i * 1000) / rounds));
    await json(`${control}/drills/${drill.id}`, { method: 'DELETE', headers });
    const healed = performance.now();
    await until(1);
    runs.push(performance.now() - healed);
  }
  return { medianMs: median(runs), maxMs: Math.max(...runs), runs };
}

function table(pairs: Pair[]): string {
  const rows = pairs.map((p) => [
    p.what,
    String(p.clients),
    `${fixed(p.service.rate, 0)} /s`,
    `${fixed(p.reference.rate, 0)} /s (${p.reference.tool})`,
    fixed(p.service.rate / p.reference.rate, 2),
    `${fixed(p.service.p50Ms)} / ${fixed(p.service.p99Ms)}`,
    `${fixed(p.reference.p50Ms)} / ${fixed(p.reference.p99Ms)}`,
    fixed(p.service.p99Ms / p.reference.p99Ms, 2),
    `${fixed(p.service.generatorCores, 2)} / ${fixed(p.reference.generatorCores, 2)}`,
    `${p.service.errors} / ${p.reference.errors}`,
  ]);
  const header = [
    'what',
    'clients',
    'service',
    'reference',
    'ratio',
    'service p50/p99 ms',
    'reference p50/p99 ms',
    'p99 ratio',
    'generator cores',
    'errors',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

type Topology = Awaited<ReturnType<typeof startBenchTopology>>;

/** A topology made ready for the loads: 64 accounts with money, a product to read. */
interface BenchTarget {
  topology: Topology;
  url(node: string): string;
  link(name: string): { host: string; port: number };
  accounts: { id: string }[];
}

async function prepare(topology: Topology): Promise<BenchTarget> {
  const url = (name: string) => topology.nodes.find((n) => n.name === name)!.url!;
  const link = (name: string) => linkAddress(topology.links.find((l) => l.name === name)!);
  const accounts: { id: string }[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    accounts.push(
      await json<{ id: string }>(`${url('payments-0')}/accounts`, {
        method: 'POST',
        body: JSON.stringify({ owner: `bench-${i}`, initialBalance: 100_000_000_000 }),
      }),
    );
  }
  await json(`${url('catalog-a')}/products/bench-1`, {
    method: 'PUT',
    body: JSON.stringify({ name: 'bench', priceCents: 100, stock: 1_000 }),
  });
  return { topology, url, link, accounts };
}

/** `POST /payments` under wrk: payments of 1 from the accounts, each under a key of its own. */
const paymentLoad = (target: BenchTarget, clients: number, work: string) =>
  wrk(
    `${target.url('payments-0')}/payments`,
    clients,
    SECONDS,
    work,
    paymentRequests(
      target.accounts.map((a) => a.id),
      `bench-${Date.now()}-${clients}`,
    ),
  );

/** `GET /products/:sku`, the eventual read from the replica, under wrk. */
const catalogLoad = (target: BenchTarget, clients: number, work: string) =>
  wrk(`${target.url('catalog-a')}/products/bench-1`, clients, SECONDS, work);

/**
 * Starts a topology, and measures each service under load at each concurrency beside its
 * reference; then the CLI's latency and a heal's way to Prometheus.
 */
async function measure(
  work: string,
  results: string,
): Promise<{
  pairs: Pair[];
  cli: { medianMs: number; runs: number[] };
  heal: { medianMs: number; maxMs: number; runs: number[] };
  profiles: Record<string, { owner: string; share: number }[]>;
}> {
  const topology = await startBenchTopology({ workloadRate: 0 });
  try {
    const target = await prepare(topology);
    const pairs: Pair[] = [];
    const profiles: Record<string, { owner: string; share: number }[]> = {};
    /** Runs `load` on `node`, profiling the node meanwhile the first time it is asked for. */
    const underLoad = async <T>(node: string, load: () => Promise<T>): Promise<T> => {
      if (!PROFILE.delete(node)) return load();
      const pid = topology.nodes.find((n) => n.name === node)!.pid!;
      const file = join(results, `${node}-${Date.now()}.cpuprofile`);
      const [result, shares] = await Promise.all([
        load(),
        profileProcess(pid, (SECONDS - 2) * 1000, file),
      ]);
      profiles[node] = shares;
      console.log(`${node}: profile ${file}`);
      return result;
    };

    const scripts = target.accounts.map((a, i) => {
      const file = join(work, `payment-${i}.sql`);
      writeFileSync(file, paymentScript(a.id));
      return file;
    });
    const pg = {
      ...target.link('payments-0->pg-primary'),
      user: 'postgres',
      database: DATABASE,
      options: '-c statement_timeout=5000 -c search_path=payments',
    };
    for (const clients of CONCURRENCY) {
      console.log(`payments, ${clients} clients…`);
      const reference = await pgbench(pg, scripts, clients, SECONDS, work);
      const service = await underLoad('payments-0', () => paymentLoad(target, clients, work));
      pairs.push({ what: 'POST /payments vs pgbench', clients, service, reference });
    }
    for (const clients of CONCURRENCY) {
      console.log(`catalog, ${clients} clients…`);
      const service = await underLoad('catalog-a', () => catalogLoad(target, clients, work));
      // About as many requests as the service's rate needs, at least 100k: comparable run times.
      const reference = await redisBenchmarkGet(
        target.link('catalog-a->redis-1'),
        clients,
        Math.max(100_000, Math.round(service.rate * SECONDS * 4)),
      );
      pairs.push({
        what: 'GET /products/:sku vs redis-benchmark GET',
        clients,
        service,
        reference,
      });
    }

    const cli = await cliLatency(dirname(topology.stateFile));
    const heal = await healToVisible(
      target.url('control'),
      target.url('prometheus'),
      topology.adminToken,
      'catalog-a->redis-1',
    );
    return { pairs, cli, heal, profiles };
  } finally {
    await stopBenchTopology(topology);
  }
}

/**
 * Telemetry's cost: two topologies side by side, one with tracing (the default), one with
 * the SDK disabled (OTEL_SDK_DISABLED=true, no exporter; metrics stay), each service loaded
 * on one then the other, TELEMETRY_ROUNDS times in alternating order, at the first
 * concurrency; the median rates compared. Topologies started one after the other and loaded
 * minutes apart differed by more than the cost itself on this shared machine.
 */
async function telemetryCost(work: string): Promise<
  {
    url: string;
    clients: number;
    on: number;
    off: number;
    cost: number;
    runs: Record<string, number[]>;
  }[]
> {
  const on = await startBenchTopology({ workloadRate: 0 });
  let off: Topology | undefined;
  try {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      off = await startBenchTopology({ workloadRate: 0 });
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
    const targets = { on: await prepare(on), off: await prepare(off) };
    const clients = CONCURRENCY[0]!;
    const loads = [
      { url: '/payments', load: paymentLoad },
      { url: '/products/bench-1', load: catalogLoad },
    ];
    const results = [];
    for (const { url, load } of loads) {
      const runs: Record<'on' | 'off', number[]> = { on: [], off: [] };
      for (let round = 0; round < TELEMETRY_ROUNDS; round++) {
        for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
          runs[mode].push((await load(targets[mode], clients, work)).rate);
        }
      }
      const [withIt, without] = [median(runs.on), median(runs.off)];
      results.push({ url, clients, on: withIt, off: without, cost: 1 - withIt / without, runs });
    }
    return results;
  } finally {
    await Promise.all([stopBenchTopology(on), off && stopBenchTopology(off)]);
  }
}

/**
 * The playground as `npm run playground` starts it (its light background workload, no
 * scenario): the CPU of every node's processes and of the supervisor over IDLE_SECONDS, and
 * their RSS.
 */
async function idle(): Promise<Footprint> {
  const topology = await startBenchTopology({ workloadRate: backgroundWorkloadRate() });
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
    const roots = new Map(
      topology.nodes.filter((n) => n.pid !== undefined).map((n) => [n.pid!, n.name]),
    );
    // This process supervises the nodes, as `faultline up` does.
    roots.set(process.pid, 'supervisor');
    return await measureFootprint(roots, IDLE_SECONDS);
  } finally {
    await stopBenchTopology(topology);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const results = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(results, { recursive: true });
  try {
    const on = await measure(work, results);
    console.log(`telemetry on vs off, ${TELEMETRY_ROUNDS} rounds…`);
    const telemetry = await telemetryCost(work);
    console.log(`idle playground, ${IDLE_SECONDS} s…`);
    const footprint = await idle();

    console.log(`\n${table(on.pairs)}\n`);
    for (const t of telemetry) {
      console.log(
        `telemetry on vs off, ${t.url} at ${t.clients} clients, median of ${TELEMETRY_ROUNDS}: ${fixed(t.on, 0)} vs ${fixed(t.off, 0)} /s (costs ${fixed(t.cost * 100)} %)`,
      );
    }
    console.log(
      `CLI: node bin/faultline.js drills, median of ${CLI_RUNS}: ${fixed(on.cli.medianMs, 0)} ms`,
    );
    console.log(
      `heal to visible in Prometheus (faultline_link_up), median / max of ${on.heal.runs.length}: ${fixed(on.heal.medianMs, 0)} / ${fixed(on.heal.maxMs, 0)} ms`,
    );
    const heaviest = Object.entries(footprint.byRoot)
      .sort(([, a], [, b]) => b.cores - a.cores)
      .slice(0, 5)
      .map(([node, f]) => `${node} ${fixed(f.cores * 100)} %`);
    console.log(
      `idle playground over ${fixed(footprint.seconds, 0)} s: ${fixed(footprint.cores * 100)} % of one core (${heaviest.join(', ')}), RSS ${fixed(footprint.rssMiB / 1024, 2)} GiB (PSS ${fixed(footprint.pssMiB / 1024, 2)} GiB)`,
    );
    for (const [node, shares] of Object.entries(on.profiles)) {
      const top = shares.slice(0, 40).map((s) => `${s.owner} ${fixed(s.share * 100)} %`);
      console.log(`${node} CPU by owner and function:\n  ${top.join('\n  ')}`);
    }
    const file = join(
      results,
      `service-layer-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    writeFileSync(
      file,
      `${JSON.stringify({ seconds: SECONDS, pairs: on.pairs, telemetry, cli: on.cli, heal: on.heal, idle: footprint, profiles: on.profiles }, null, 2)}\n`,
    );
    console.log(`written: ${file}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  if (interrupted()) return;
  console.error(err);
  process.exit(1);
});
