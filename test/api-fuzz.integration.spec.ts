import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SupervisedTopology } from '@faultline/testing';
import { DATABASE, pgQuery, provisionedTool, repoRoot } from '@faultline/topology';

/** Test cases Schemathesis generates per API operation (and per phase). */
const CASES_PER_OPERATION = 100;
/** A fixed seed: a failure found once is found again by the next run. */
const SEED = 16;

interface FuzzRun {
  code: number;
  output: string;
  /** Test cases run, from Schemathesis's summary. */
  cases: number;
  har: { log: { entries: HarEntry[] } };
}

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
}

/**
 * Runs Schemathesis against one service's OpenAPI document: no 5xx, responses that match their
 * documented schemas and content types. Its stateful phase chains operations through the links
 * it infers (a new account's id into a payment, a payment's into its refund). Every request and
 * response is kept as HAR.
 */
async function fuzz(
  service: string,
  baseUrl: string,
  token: string,
  dir: string,
): Promise<FuzzRun> {
  const har = join(dir, `${service}.har`);
  const settings = join(repoRoot(), 'tools', 'api-fuzz', `${service}.toml`);
  const args = [
    ...(existsSync(settings) ? ['--config-file', settings] : []),
    'run',
    `${baseUrl}/docs-json`,
    '--url',
    baseUrl,
    '--checks',
    'not_a_server_error,response_schema_conformance,content_type_conformance',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-examples',
    String(CASES_PER_OPERATION),
    '--seed',
    String(SEED),
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--header',
    `Authorization: Bearer ${token}`,
    '--generation-database',
    'none',
    '--no-color',
    '--report',
    'har',
    '--report-har-path',
    har,
  ];
  // In the temporary directory: Schemathesis keeps a cache in its working directory.
  const child = spawn(provisionedTool('schemathesis'), args, {
    cwd: dir,
    env: { ...process.env, SCHEMATHESIS_HOOKS: '' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const cases = Number(
    /Test cases:\s*([\d,]+) generated/.exec(output)?.[1]?.replace(/,/g, '') ?? 0,
  );
  return { code, output, cases, har: JSON.parse(readFileSync(har, 'utf8')) };
}

describe(
  'every API, fuzzed from its own OpenAPI document (Schemathesis)',
  { timeout: 1_200_000 },
  () => {
    // A drill the fuzzer starts on control (a killed node, say) is healed as `faultline up` heals it.
    const running = new SupervisedTopology();
    const dir = mkdtempSync(join(tmpdir(), 'faultline-fuzz-'));
    const opened = new Map<string, number>();
    after(() => rmSync(dir, { recursive: true, force: true }));

    const fuzzes = (service: string, node: string) =>
      it(`${service}: no 5xx, no response outside its schema`, async () => {
        const run = await fuzz(service, running.url(node), running.state.adminToken, dir);
        console.log(`# ${service}: ${run.cases} test cases`);
        assert.equal(run.code, 0, run.output.slice(-20_000));
        assert.ok(run.cases >= CASES_PER_OPERATION, `only ${run.cases} cases:\n${run.output}`);
        if (service !== 'payments') return;
        for (const { request, response } of run.har.log.entries) {
          if (request.method !== 'POST' || response.status !== 201) continue;
          if (new URL(request.url).pathname !== '/accounts') continue;
          const account = JSON.parse(response.content.text!) as { id: string; balance: number };
          opened.set(account.id, account.balance);
        }
      });

    // The data services first, on a healthy topology; control and the workload last, since
    // what they accept (drills, scenario runs) degrades the others on purpose.
    fuzzes('payments', 'payments-0');
    fuzzes('catalog', 'catalog-a');
    fuzzes('orders', 'orders-0');

    it('conserved money: every balance is what its account opened with, less payments kept', async () => {
      assert.ok(opened.size > 0, 'the fuzzer opened no account: the check would prove nothing');
      const primary = running.state.nodes.find((n) => n.name === 'pg-0')!;
      const [ledger] = await pgQuery<{ balances: string; payments: string; refunds: string }>(
        { host: primary.host, port: primary.port },
        `SELECT (SELECT coalesce(sum(balance), 0) FROM payments.accounts) AS balances,
              (SELECT coalesce(sum(amount), 0) FROM payments.payments) AS payments,
              (SELECT coalesce(sum(amount), 0) FROM payments.refunds) AS refunds`,
        DATABASE,
      );
      const openedTotal = [...opened.values()].reduce((a, b) => a + b, 0);
      console.log(
        `# ${opened.size} accounts opened by the fuzzer; ledger ${JSON.stringify(ledger)}`,
      );
      // Stateful testing chains a new account into payments and a payment into its refund.
      assert.ok(Number(ledger!.payments) > 0, 'no payment was made: the check would prove little');
      assert.equal(
        Number(ledger!.balances),
        openedTotal - Number(ledger!.payments) + Number(ledger!.refunds),
        JSON.stringify({ openedTotal, ledger }),
      );
    });

    fuzzes('workload', 'workload');
    fuzzes('control', 'control');
  },
);
