import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  checkAll,
  type CheckAllOptions,
  HistoryRecorder,
  OPERATIONS,
  verdict,
} from '@faultline/history';
import {
  DEFAULT_LOCK_MODE,
  etcdMemberUrls,
  type LockMode,
  type Report,
  type RunPhase,
} from '@faultline/contracts';
import { openClients } from '../clients/clients';
import type { RetryPolicy } from '../clients/retry';
import type { WorkloadEnvironment } from '../config/workload-environment';
import { cartsClients, cartsLoad, runCarts } from '../carts/carts-load';
import type { CartsWorkload } from '../carts/carts-workload';
import { finalCartReads } from '../carts/final-cart-reads';
import {
  awaitFreshGrant,
  awaitRelease,
  ledgerClients,
  ledgerLoad,
  type LedgerWorkload,
} from '../ledger/ledger-load';
import { aimAtRole, raftLoad, type RaftWorkload, registerClients } from '../raft/raft-load';
import { RaftStatusReader, recordRaftStatus } from '../raft/raft-status';
import { awaitConvergence } from '../final/convergence';
import { finalOrderReads } from '../final/final-orders';
import { FINAL_PROCESS, finalReads } from '../final/final-reads';
import { Nemesis } from '../nemesis/nemesis';
import { nemesisSchedule, type ScheduledDrill } from '../nemesis/schedule';
import { writeReport } from '../reports/report';
import type { Scenario } from '../scenarios/scenarios';
import { prepareWorkbench } from '../setup/workbench';
import { Load } from '../workers/load';
import { controlApi } from './control-api';

/** The final reads place an indeterminate order again up to this often, a second apart. */
const FINAL_RETRY: RetryPolicy = { attempts: 3, delayMs: 1_000 };

/**
 * One scenario run, phase after phase: set up its own accounts and products; run the workers
 * under the nemesis's schedule; wait for convergence; read everything once more; check the
 * history and write the report.
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
    /** The seed of the workers' generators: the same seed, the same operations. */
    readonly seed: number,
    private readonly env: WorkloadEnvironment,
    /** The lock a consensus-lab run's ledger takes. */
    readonly lock: LockMode = DEFAULT_LOCK_MODE,
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
    const { carts, ledger, raft } = this.scenario;
    const checks = carts
      ? await this.runCarts(carts)
      : ledger
        ? await this.runLedger(ledger)
        : raft
          ? await this.runRaft(raft)
          : await this.runCore();
    this.phase = 'checking';
    await this.history.close();
    this.report = this.check(checks);
    this.phase = 'done';
  }

  /** The core topology's run: its own accounts and products, the load, convergence, final reads. */
  private async runCore(): Promise<CheckAllOptions> {
    const workbench = await prepareWorkbench(this.env, `run-${this.tag}`);
    const rate = this.env.WORKLOAD_SCENARIO_RATE;
    await this.underNemesis(new Load(this.env, this.history, workbench, this.seed, rate));

    this.phase = 'converging';
    const clients = openClients(this.env, this.history, workbench, FINAL_RETRY);
    await awaitConvergence(clients, workbench.skus);
    await finalReads(this.history, clients, workbench);
    await finalOrderReads(this.history, clients, workbench);
    return { total: workbench.bankTotal };
  }

  /** A quorum-lab run: the carts load, then every replica read until they agree. */
  private async runCarts(workload: CartsWorkload): Promise<CheckAllOptions> {
    const clients = cartsClients(this.env, this.history);
    const carts = runCarts(`run-${this.tag}`, workload);
    const rate = this.env.WORKLOAD_SCENARIO_RATE;
    const everyCart = [...carts.values()].flat();
    const loadStopped = new AbortController();
    // The replicas are read from the heal on, so the report can say how soon they caught up.
    let finalReads: Promise<void> | undefined;
    const readFromHeal = () =>
      (finalReads = finalCartReads(clients['carts-a'], everyCart, loadStopped.signal));
    try {
      await this.underNemesis(cartsLoad(clients, workload, carts, this.seed, rate), readFromHeal);
    } finally {
      loadStopped.abort();
    }
    this.phase = 'converging';
    await (finalReads ?? readFromHeal());
    return { checkers: workload.checkers };
  }

  /**
   * A consensus-lab run: the writers append to a resource of the run's own, the drill waits for
   * the holder it pauses to have just been granted the lock, and once the load has stopped and
   * the holder has let go the ledger is read from the other instance.
   */
  private async runLedger(workload: LedgerWorkload): Promise<CheckAllOptions> {
    const clients = ledgerClients(this.env, this.history);
    const resource = `run-${this.tag}`;
    const rate = this.env.WORKLOAD_SCENARIO_RATE;
    const holder = clients[workload.pauseHolder];
    await this.underNemesis(
      ledgerLoad(clients, workload, resource, this.lock, rate),
      undefined,
      async (drill) => (await awaitFreshGrant(holder, resource), drill),
    );
    this.phase = 'converging';
    await awaitRelease(holder, resource);
    const reader = Object.values(clients).find((c) => c !== holder)!;
    await reader.finalRead(FINAL_PROCESS, resource, this.lock);
    return { checkers: workload.checkers };
  }

  /**
   * A consensus-lab register run: writers and readers through every member, every member's
   * status recorded throughout, and the drill aimed at the member that holds the scenario's
   * role (leader or follower) when it starts.
   */
  private async runRaft(workload: RaftWorkload): Promise<CheckAllOptions> {
    const status = new RaftStatusReader(etcdMemberUrls(this.env.ETCD_MEMBERS!));
    const observing = new AbortController();
    const observed = recordRaftStatus(this.history, status, observing.signal);
    try {
      await this.underNemesis(
        raftLoad(
          registerClients(this.env, this.history),
          `run-${this.tag}`,
          this.env.WORKLOAD_SCENARIO_RATE,
        ),
        undefined,
        (drill) => aimAtRole(drill, workload, status),
      );
    } finally {
      observing.abort();
      await observed;
    }
    return { checkers: workload.checkers };
  }

  private get tag(): string {
    return this.id.slice(0, 8);
  }

  /**
   * The load, while the nemesis follows the scenario's schedule; stopped however it ends.
   * `onHealed` runs once the drills are healed.
   */
  private async underNemesis(
    load: { stop(): Promise<unknown> },
    onHealed?: () => void,
    beforeDrill?: (drill: ScheduledDrill) => Promise<ScheduledDrill>,
  ): Promise<void> {
    const nemesis = new Nemesis(
      controlApi(this.env.CONTROL_URL, this.env.FAULTLINE_ADMIN_TOKEN),
      this.history,
    );
    this.phase = 'running';
    try {
      await nemesis.perform(
        nemesisSchedule(this.scenario.drills, this.durationSeconds),
        (step) => {
          this.phase = step.f === OPERATIONS.drill ? 'drills-active' : 'healed';
          if (step.f === OPERATIONS.heal) onHealed?.();
        },
        beforeDrill,
      );
    } finally {
      await load.stop();
    }
  }

  /** The checkers' verdicts on the whole history, written as the run's report. */
  private check(options: CheckAllOptions): Report {
    const history = this.history.history();
    const results = checkAll(history, options);
    return writeReport(this.env.FAULTLINE_REPORTS_DIR, {
      id: this.id,
      scenario: this.scenario.name,
      lesson: this.scenario.lesson,
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      durationSeconds: this.durationSeconds,
      seed: this.seed,
      drills: this.scenario.drills,
      settings: {
        CATALOG_ORDERING: this.env.CATALOG_ORDERING,
        REDIS_MIN_REPLICAS_TO_WRITE: this.env.REDIS_MIN_REPLICAS_TO_WRITE,
        ...(this.scenario.ledger ? { LOCK: this.lock } : {}),
      },
      verdict: verdict(results),
      results,
      history,
    });
  }
}
