import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkAll,
  type CheckerResult,
  type FinalOrder,
  type FinalOrderEffectsOk,
  HistoryRecorder,
  verdict,
} from '@faultline/history';
import { placeOrder, readBalances, readProduct, type Workbench } from '../clients/clients';
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
/** How long the run waits for every accepted order's saga to end before reading the orders. */
const SAGA_WAIT_MS = 30_000;
const TERMINAL_STATES = ['confirmed', 'cancelled'];

/** An order as `GET /orders/:id` answers it. */
interface OrderSeen extends FinalOrder {
  orderId: string;
}

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
    for (const { afterSeconds, ...drill } of this.scenario.drills) {
      if (afterSeconds) await sleep(afterSeconds * 1000);
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
    await this.finalOrderReads(w);

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
      settings: {
        CATALOG_ORDERING: this.env.CATALOG_ORDERING,
        REDIS_MIN_REPLICAS_TO_WRITE: this.env.REDIS_MIN_REPLICAS_TO_WRITE,
      },
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

  /**
   * Resolves every order left indeterminate (the same request under the same key again: the
   * service replays the order, or makes it now), waits for every accepted order's saga to end
   * (bounded), then reads the orders and what their sagas did: the products' stock, the payments
   * under each order's key, the orders account's balance.
   */
  private async finalOrderReads(w: Workbench): Promise<void> {
    for (const placed of w.orders.values()) {
      if (placed.orderId !== undefined || !placed.indeterminate) continue;
      for (let attempt = 0; attempt < 3; attempt++) {
        const { seen } = await placeOrder(w, 'final', placed);
        if (seen.type !== 'info') break;
        await sleep(1_000);
      }
    }
    const ids = [...w.orders.values()].flatMap((p) => (p.orderId ? [p.orderId] : []));
    const order = (id: string) => callService(`${w.ordersUrl}/orders/${id}`, {}, false);

    const deadline = Date.now() + SAGA_WAIT_MS;
    let open = ids;
    while (open.length > 0 && Date.now() < deadline) {
      const still: string[] = [];
      for (const id of open) {
        const seen = await order(id);
        const state = (seen.body as OrderSeen | undefined)?.state;
        if (seen.type !== 'ok' || !TERMINAL_STATES.includes(state ?? '')) still.push(id);
      }
      open = still;
      if (open.length > 0) await sleep(500);
    }

    await operate(this.history, 'final', 'final-orders', { orders: ids.length }, async () => {
      const orders: Record<string, FinalOrder | null> = {};
      for (const id of ids) {
        const seen = await order(id);
        if (seen.status === 404) orders[id] = null;
        if (seen.type !== 'ok') continue; // unread: the checker cannot judge this order
        const { state, reason, items, amount, accountId } = seen.body as OrderSeen;
        orders[id] = { state, ...(reason ? { reason } : {}), items, amount, accountId };
      }
      return { seen: { type: 'ok' }, value: { orders }, node: 'orders-0' };
    });

    await operate(this.history, 'final', 'final-order-effects', null, async () => {
      const effects: FinalOrderEffectsOk = { stock: {}, charges: {}, balances: {} };
      for (const [sku, initial] of Object.entries(w.orderSkus)) {
        const seen = await callService(
          `${w.catalog['catalog-a']}/products/${sku}`,
          { headers: { Consistency: 'strong' } },
          false,
        );
        if (seen.type === 'ok')
          effects.stock[sku] = { initial, final: (seen.body as { stock: number }).stock };
      }
      for (const id of ids) {
        const seen = await callService(
          `${w.paymentsUrl}/payments?idempotencyKey=${encodeURIComponent(`order-${id}`)}`,
          {},
          false,
        );
        if (seen.type === 'ok') effects.charges[id] = (seen.body as unknown[]).length;
      }
      const { id, initialBalance } = w.ordersAccount;
      const seen = await callService(`${w.paymentsUrl}/accounts?ids=${id}`, {}, false);
      const account = seen.type === 'ok' ? (seen.body as { balance: number }[])[0] : undefined;
      if (account) effects.balances[id] = { initial: initialBalance, final: account.balance };
      return { seen: { type: 'ok' }, value: effects };
    });
  }

  private async finalReads(w: Workbench): Promise<void> {
    for (const sku of w.skus) {
      await readProduct(w, 'final', 'catalog-a', sku, 'eventual', 'final-read');
      await readProduct(w, 'final', 'catalog-b', sku, 'eventual', 'final-read');
      await readProduct(w, 'final', 'catalog-a', sku, 'strong', 'final-read');
    }
    await readBalances(w, 'final');
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
