import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAll, type CheckerResult, HistoryRecorder, verdict } from '@faultline/history';
import { readProduct, type Workbench } from '../clients/clients';
import { prepareWorkbench, runClients } from '../clients/workbench';
import { operate } from '../clients/operation';
import { callService } from '../clients/service-call';
import type { WorkloadEnvironment } from '../config/workload-environment';
import { type Report, writeReport } from '../reports/report';
import type { Scenario } from '../scenarios/scenarios';
import { ControlApi } from './control-api';

export type RunPhase =
  | 'setting-up'
  | 'running'
  | 'drills-active'
  | 'healed'
  | 'converging'
  | 'checking'
  | 'done'
  | 'failed';

/** How long the run waits for the replicas to catch up after heal before its final reads. */
const CONVERGENCE_WAIT_MS = 15_000;

/**
 * One scenario run: set up its own accounts and products, run the clients, drill,
 * heal, wait for convergence, read everything once more, check the history and
 * write the report.
 */
export class ScenarioRun {
  readonly id = randomUUID();
  readonly startedAt = new Date().toISOString();
  phase: RunPhase = 'setting-up';
  error?: string;
  report?: Report;
  private history!: HistoryRecorder;

  constructor(
    readonly scenario: Scenario,
    readonly durationSeconds: number,
    private readonly env: WorkloadEnvironment,
  ) {}

  get ops(): number {
    return this.history?.size ?? 0;
  }

  async execute(): Promise<void> {
    try {
      await this.run();
    } catch (err) {
      this.phase = 'failed';
      this.error = (err as Error).message;
    }
  }

  private async run(): Promise<void> {
    this.history = new HistoryRecorder({
      file: join(this.env.FAULTLINE_REPORTS_DIR, `${this.id}.history.jsonl`),
    });
    const { workbench: w, stop } = await prepareWorkbench(
      this.env,
      `run-${this.id.slice(0, 8)}`,
      this.history,
      this.env.WORKLOAD_SCENARIO_RATE,
    );
    const control = new ControlApi(this.env.CONTROL_URL, this.env.FAULTLINE_ADMIN_TOKEN);
    this.phase = 'running';
    const clients = runClients(w);
    const duration = this.durationSeconds * 1000;
    await sleep(duration / 4);
    const drillIds: string[] = [];
    for (const drill of this.scenario.drills) {
      const { seen } = await operate(this.history, 'nemesis', 'drill', drill, async () => {
        try {
          const { id } = await control.startDrill(drill, Math.ceil(duration / 1000) + 60);
          drillIds.push(id);
          return { seen: { type: 'ok' }, value: { id } };
        } catch (err) {
          return { seen: { type: 'fail', error: (err as Error).message } };
        }
      });
      if (seen.type !== 'ok')
        throw new Error(`the scenario's drill ${drill.kind} ${drill.target} failed: ${seen.error}`);
    }
    this.phase = 'drills-active';
    await sleep(duration / 2);
    await operate(this.history, 'nemesis', 'heal', {}, async () => {
      for (const id of drillIds) await control.heal(id);
      return { seen: { type: 'ok' }, value: {} };
    });
    this.phase = 'healed';
    await sleep(duration / 4);
    stop();
    await clients;

    this.phase = 'converging';
    await this.awaitConvergence(w);
    await this.finalReads(w);

    this.phase = 'checking';
    await this.history.close();
    const results: CheckerResult[] = checkAll(this.history.history(), { total: w.bankTotal });
    this.report = writeReport(this.env.FAULTLINE_REPORTS_DIR, {
      id: this.id,
      scenario: this.scenario.name,
      lesson: this.scenario.lesson,
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      durationSeconds: this.durationSeconds,
      drills: this.scenario.drills,
      verdict: verdict(results),
      results,
      history: this.history.history(),
    });
    this.phase = 'done';
  }

  /** Until every instance's replica serves the primary's version of every product (bounded). */
  private async awaitConvergence(w: Workbench): Promise<void> {
    const deadline = Date.now() + CONVERGENCE_WAIT_MS;
    const version = async (url: string, sku: string, consistency: string) => {
      const seen = await callService(
        `${url}/products/${sku}`,
        { headers: { Consistency: consistency } },
        false,
      );
      return seen.type === 'ok' ? (seen.body as { version: number }).version : -1;
    };
    while (Date.now() < deadline) {
      let converged = true;
      for (const sku of w.skus) {
        const primary = await version(w.catalog['catalog-a'], sku, 'strong');
        const replicas = await Promise.all([
          version(w.catalog['catalog-a'], sku, 'eventual'),
          version(w.catalog['catalog-b'], sku, 'eventual'),
        ]);
        if (replicas.some((v) => v !== primary)) converged = false;
      }
      if (converged) return;
      await sleep(250);
    }
  }

  private async finalReads(w: Workbench): Promise<void> {
    for (const sku of w.skus) {
      await readProduct(w, 'final', 'catalog-a', sku, 'eventual', 'final-read');
      await readProduct(w, 'final', 'catalog-b', sku, 'eventual', 'final-read');
      await readProduct(w, 'final', 'catalog-a', sku, 'strong', 'final-read');
    }
    await operate(this.history, 'final', 'read-balances', null, async () => {
      const seen = await callService(
        `${w.paymentsUrl}/accounts?ids=${w.bankAccounts.join(',')}`,
        {},
        false,
      );
      if (seen.type !== 'ok') return { seen };
      return {
        seen,
        value: {
          balances: Object.fromEntries(
            (seen.body as { id: string; balance: number }[]).map((a) => [a.id, a.balance]),
          ),
        },
      };
    });
    await operate(
      this.history,
      'final',
      'final-payments',
      { keys: w.paymentKeys.size },
      async () => {
        const byKey: Record<string, number> = {};
        for (const key of w.paymentKeys) {
          const seen = await callService(
            `${w.paymentsUrl}/payments?idempotencyKey=${encodeURIComponent(key)}`,
            {},
            false,
          );
          if (seen.type !== 'ok') return { seen };
          byKey[key] = (seen.body as unknown[]).length;
        }
        return { seen: { type: 'ok' }, value: { byKey } };
      },
    );
  }
}
