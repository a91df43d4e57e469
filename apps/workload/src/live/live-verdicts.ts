import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAll, HistoryRecorder, type Op } from '@faultline/history';
import { MetricsRegistry } from '@faultline/telemetry';
import { SERVICE_OF_FUNCTION } from '../clients/operation';
import { WorkloadEnvironment } from '../config/workload-environment';
import { randomSeed } from '../generator/random';
import { prepareWorkbench, type Workbench } from '../setup/workbench';
import { Load } from '../workers/load';

/** How often the checkers judge the live history. */
const CHECK_INTERVAL_MS = 5_000;
/** The live history starts afresh past this many operations, so memory and check time stay bounded. */
const WINDOW_OPS = 50_000;

const VALIDITY = { true: 1, false: 0, unknown: -1 } as const;

/**
 * The background workload (WORKLOAD_BACKGROUND_RATE > 0, as `npm run playground` runs
 * it): light load on every service so the dashboards are alive, and the checkers run
 * over the live history every few seconds, their verdicts exported as metrics.
 */
@Injectable()
export class LiveVerdicts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveVerdicts');
  private readonly valid: Gauge<'checker'>;
  private readonly anomalies: Counter<'checker' | 'anomaly'>;
  private readonly ops: Counter<'service' | 'f' | 'type'>;
  private readonly staleness: Histogram;
  private load?: Load;
  private timer?: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    private readonly env: WorkloadEnvironment,
    metrics: MetricsRegistry,
  ) {
    const registers = [metrics.registry];
    this.valid = new Gauge({
      name: 'faultline_checker_valid',
      help: 'Live verdict of each checker over the background history: 1 valid, 0 invalid, -1 unknown.',
      labelNames: ['checker'],
      registers,
    });
    this.anomalies = new Counter({
      name: 'faultline_checker_anomalies_total',
      help: 'Anomalies the checkers found in the background history.',
      labelNames: ['checker', 'anomaly'],
      registers,
    });
    this.ops = new Counter({
      name: 'faultline_workload_ops_total',
      help: 'Completed workload operations by service, function and type (ok, fail, info = indeterminate).',
      labelNames: ['service', 'f', 'type'],
      registers,
    });
    this.staleness = new Histogram({
      name: 'faultline_catalog_read_staleness_seconds',
      help: 'Age of each stale catalog read: how long before the read a newer version had been written.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
  }

  onApplicationBootstrap(): void {
    if (this.env.WORKLOAD_BACKGROUND_RATE > 0) void this.runWindows();
  }

  onApplicationShutdown(): void {
    this.shuttingDown = true;
    void this.load?.stop();
    clearInterval(this.timer);
  }

  /** One window after another: a fresh history (and accounts) each time the last one is full. */
  private async runWindows(): Promise<void> {
    for (let window = 1; !this.shuttingDown; window++) {
      const history = new HistoryRecorder();
      let workbench: Workbench;
      try {
        workbench = await prepareWorkbench(this.env, `live-${Date.now()}`);
      } catch (err) {
        this.logger.warn(`background workload waiting for the services: ${(err as Error).message}`);
        await sleep(2_000);
        continue;
      }
      const seed = randomSeed();
      const load = new Load(this.env, history, workbench, seed, this.env.WORKLOAD_BACKGROUND_RATE);
      this.load = load;
      if (this.shuttingDown) void load.stop();
      const seen = { lastIndex: -1, anomalies: new Map<string, number>() };
      this.timer = setInterval(() => {
        this.judge(history.history(), workbench.bankTotal, seen);
        if (history.size > WINDOW_OPS) void load.stop();
      }, CHECK_INTERVAL_MS);
      await load.finished;
      clearInterval(this.timer);
      this.logger.log(
        `background window ${window} (seed ${seed}) ended after ${history.size} operations`,
      );
    }
  }

  private judge(
    history: Op[],
    total: number,
    seen: { lastIndex: number; anomalies: Map<string, number> },
  ): void {
    const results = checkAll(history, {
      total,
      onStaleRead: (age, read) => {
        if (read.index > seen.lastIndex) this.staleness.observe(age);
      },
    });
    for (const result of results) {
      this.valid.set(
        { checker: result.checker },
        VALIDITY[String(result.valid) as keyof typeof VALIDITY],
      );
      for (const [anomaly, count] of Object.entries(result.anomalies)) {
        const key = `${result.checker}/${anomaly}`;
        const delta = count - (seen.anomalies.get(key) ?? 0);
        if (delta > 0) this.anomalies.inc({ checker: result.checker, anomaly }, delta);
        seen.anomalies.set(key, count);
      }
    }
    for (const op of history) {
      if (op.index <= seen.lastIndex || op.type === 'invoke') continue;
      const service = SERVICE_OF_FUNCTION[op.f];
      if (service) this.ops.inc({ service, f: op.f, type: op.type });
    }
    seen.lastIndex = history.at(-1)?.index ?? seen.lastIndex;
  }
}
