import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { FailoverRefused, Switchovers } from '../failover/switchovers';
import type { Promotion } from '../topology/role-changes';
import { RoleChanges } from '../topology/role-changes';
import { ObserverService } from '../observer/observer.service';
import { TopologySource } from '../topology/topology-source';
import {
  DEFAULT_TTL_SECONDS,
  type Drill,
  type DrillKindView,
  type DrillRequest,
} from '@faultline/contracts';
import { DrillHistory } from './drill-history';
import { type DrillPlan, drillKinds, InvalidDrill, planDrill } from './drill-kinds';
import { DrillMetrics } from './drill-metrics';
import { FaultBackend } from './fault-backend';

/**
 * The drill lifecycle: validate, apply, heal at TTL or on request, and remember. When
 * control starts it clears every fault in the topology, so none outlives a crash of it.
 */
@Injectable()
export class DrillsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Drills');
  private drills: Drill[] = [];
  private readonly plans = new Map<string, DrillPlan>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly history: DrillHistory;
  /** Serialises changes, so two requests never interleave their checks and effects. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly topology: TopologySource,
    private readonly backend: FaultBackend,
    private readonly metrics: DrillMetrics,
    private readonly switchovers: Switchovers,
    roles: RoleChanges,
    private readonly observer: ObserverService,
  ) {
    this.history = new DrillHistory(topology.stateFile);
    roles.onPromotion((promotion) => this.followPromotion(promotion));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date().toISOString();
    this.drills = this.history
      .load()
      .map((d) =>
        d.state === 'active'
          ? { ...d, state: 'healed', endedAt: now, error: 'cleared when control started' }
          : d,
      );
    const cleared = await this.backend.clearAll();
    this.logger.log(`cleared every fault at start: ${cleared.join('; ')}`);
    this.drills = this.history.save(this.drills);
    this.backend.start();
  }

  onApplicationShutdown(): void {
    this.backend.stop();
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  list(): Drill[] {
    return this.drills;
  }

  kinds(): DrillKindView[] {
    return drillKinds(this.topology.current());
  }

  get(id: string): Drill {
    const drill = this.drills.find((d) => d.id === id);
    if (!drill) throw new NotFoundException(`drill ${id} does not exist`);
    return drill;
  }

  active(): Drill[] {
    return this.drills.filter((d) => d.state === 'active');
  }

  create(request: DrillRequest): Promise<Drill> {
    return this.serial(async () => {
      const ttlSeconds = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      let plan: DrillPlan;
      try {
        plan = planDrill(this.topology.current(), request.kind, request.target, request.params);
      } catch (err) {
        if (err instanceof InvalidDrill) throw new BadRequestException(err.message);
        throw err;
      }
      const conflict = this.active().find((d) =>
        d.footprint.some((f) => plan.footprint.includes(f)),
      );
      if (conflict) {
        throw new ConflictException(
          `drill ${conflict.id} (${conflict.kind} ${conflict.target}) is active on ${conflict.footprint
            .filter((f) => plan.footprint.includes(f))
            .join(', ')}: heal it first`,
        );
      }
      const started = new Date();
      const drill: Drill = {
        id: randomUUID(),
        kind: request.kind as Drill['kind'],
        target: request.target,
        ...(plan.node ? { node: plan.node } : {}),
        params: plan.params,
        ttlSeconds,
        startedAt: started.toISOString(),
        expiresAt: new Date(started.getTime() + ttlSeconds * 1000).toISOString(),
        state: 'active',
        footprint: plan.footprint,
      };
      try {
        const result = await plan.apply(this.backend, drill.id, this.switchovers);
        if (result) drill.result = result;
      } catch (err) {
        // Refused before anything changed (a failover that cannot run): no drill happened.
        if (err instanceof FailoverRefused) throw err;
        // Undo whatever part did apply.
        await plan.heal(this.backend, drill.id).catch(() => undefined);
        const failed: Drill = {
          ...drill,
          state: 'failed',
          endedAt: new Date().toISOString(),
          error: (err as Error).message,
        };
        this.drills = this.history.save([...this.drills, failed]);
        this.metrics.finished(failed, 'failed');
        throw new ServiceUnavailableException(
          `drill ${drill.id} could not be applied: ${failed.error}`,
        );
      }
      this.plans.set(drill.id, plan);
      this.timers.set(
        drill.id,
        setTimeout(
          () =>
            void this.end(drill.id, 'expired').catch((e) =>
              this.logger.error(`expiring ${drill.id}: ${e}`),
            ),
          ttlSeconds * 1000,
        ).unref(),
      );
      this.drills = this.history.save([...this.drills, drill]);
      this.metrics.started(drill);
      this.observer.refresh();
      this.logger.log(`drill ${drill.id}: ${drill.kind} ${drill.target} for ${ttlSeconds} s`);
      return drill;
    });
  }

  /**
   * A partition or latency drill on a node cuts that node's links as its role makes them; when
   * a failover moves the role, the drill is applied again to the node's links now, so the node
   * stays cut off (a demoted primary from the new one) and the new primary's links are freed.
   * Not serialised: a failover drill's own promotion runs inside the queue.
   */
  private async followPromotion(promotion: Promotion): Promise<void> {
    const moved = [promotion.primary, promotion.former];
    for (const drill of this.active()) {
      const node = drill.node ?? drill.target;
      const old = this.plans.get(drill.id);
      if (!old || !['partition', 'latency'].includes(drill.kind) || !moved.includes(node)) continue;
      const plan = planDrill(this.topology.current(), drill.kind, node, drill.params);
      await old.heal(this.backend, drill.id);
      await plan.apply(this.backend, drill.id, this.switchovers);
      this.plans.set(drill.id, { ...plan, node });
      const followed: Drill = { ...drill, footprint: plan.footprint };
      this.drills = this.history.save(this.drills.map((d) => (d.id === drill.id ? followed : d)));
      this.logger.log(`drill ${drill.id} follows ${node}: ${plan.footprint.join(', ')}`);
    }
  }

  heal(id: string): Promise<Drill> {
    return this.end(id, 'healed');
  }

  async healAll(): Promise<Drill[]> {
    return Promise.all(this.active().map((d) => this.end(d.id, 'healed')));
  }

  private end(id: string, outcome: 'healed' | 'expired'): Promise<Drill> {
    return this.serial(async () => {
      const drill = this.get(id);
      if (drill.state !== 'active') return drill;
      clearTimeout(this.timers.get(id));
      this.timers.delete(id);
      await this.plans.get(id)?.heal(this.backend, id);
      this.plans.delete(id);
      const ended: Drill = { ...drill, state: outcome, endedAt: new Date().toISOString() };
      this.drills = this.history.save(this.drills.map((d) => (d.id === id ? ended : d)));
      this.metrics.finished(ended, outcome);
      this.observer.refresh();
      this.logger.log(`drill ${id}: ${outcome}`);
      return ended;
    });
  }
}
