import { Logger } from '@nestjs/common';
import { MAX_TTL_SECONDS } from '@faultline/contracts';
import { pgQuery, type Toxic, ToxiproxyClient } from '@faultline/topology';
import type { ControlEnvironment } from '../config/control-environment';
import type { TopologySource } from '../topology/topology-source';
import { FaultBackend } from './fault-backend';

const toxicName = (drillId: string, stream: string) => `drill-${drillId}-${stream}`;
const isToxicOf = (drillId: string) => (toxic: Toxic) => toxic.name.startsWith(`drill-${drillId}-`);

/** A held link's latency: longer than any drill lives, so only its heal lets the bytes through. */
const HOLD_LATENCY_MS = MAX_TTL_SECONDS * 1_000;

/**
 * The faults made the same way in every topology, because they go through interfaces the
 * topology itself serves at the addresses FAULTLINE_STATE_FILE lists: links through
 * Toxiproxy's API, replication delay through SQL on the standby, clock skew through the
 * services' PUT /internal/clock. Only killing a node differs (a local process or a pod),
 * so that is all a subclass adds, with whatever its kills leave to clear.
 */
export abstract class SharedFaultBackend extends FaultBackend {
  protected readonly logger: Logger;

  constructor(
    protected readonly topology: TopologySource,
    private readonly env: ControlEnvironment,
    loggerName: string,
  ) {
    super();
    this.logger = new Logger(loggerName);
  }

  private toxiproxy(): ToxiproxyClient {
    return new ToxiproxyClient(this.topology.toxiproxyUrl());
  }

  async partitionLink(link: string, mode: 'blackhole' | 'refuse', drillId: string): Promise<void> {
    const toxiproxy = this.toxiproxy();
    if (mode === 'refuse') {
      await toxiproxy.setEnabled(link, false);
      return;
    }
    for (const stream of ['upstream', 'downstream'] as const) {
      await toxiproxy.addToxic(link, {
        name: toxicName(drillId, stream),
        type: 'timeout',
        stream,
        attributes: { timeout: 0 },
      });
    }
  }

  async delayLink(
    link: string,
    latencyMs: number,
    jitterMs: number,
    drillId: string,
  ): Promise<void> {
    await this.toxiproxy().addToxic(link, {
      name: toxicName(drillId, 'downstream'),
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: latencyMs, jitter: jitterMs },
    });
  }

  /**
   * Holds what crosses the link, both ways, until `healLink`: Toxiproxy's latency toxic keeps
   * the bytes rather than dropping them, and its removal passes them on, late, as a paused
   * process would once resumed.
   */
  protected async holdLink(link: string, drillId: string): Promise<void> {
    const toxiproxy = this.toxiproxy();
    await Promise.all(
      (['upstream', 'downstream'] as const).map((stream) =>
        toxiproxy.addToxic(link, {
          name: toxicName(drillId, stream),
          type: 'latency',
          stream,
          attributes: { latency: HOLD_LATENCY_MS, jitter: 0 },
        }),
      ),
    );
  }

  async healLink(link: string, drillId: string): Promise<void> {
    const toxiproxy = this.toxiproxy();
    const proxy = (await toxiproxy.proxies()).find((p) => p.name === link);
    if (!proxy) return;
    for (const toxic of proxy.toxics.filter(isToxicOf(drillId))) {
      await toxiproxy.removeToxic(link, toxic.name);
    }
    if (!proxy.enabled) await toxiproxy.setEnabled(link, true);
  }

  /** The links `drillId` has toxics on now. */
  protected async linksWithToxicsOf(drillId: string): Promise<string[]> {
    const proxies = await this.toxiproxy().proxies();
    return proxies.filter((p) => p.toxics.some(isToxicOf(drillId))).map((p) => p.name);
  }

  async setReplicationMode(node: string, mode: 'sync' | 'async'): Promise<void> {
    const primary = this.topology.node(node);
    // A failover demoted it: it came back as a standby with its own settings, the drill's gone.
    if (mode === 'sync' && primary.role !== 'primary') return;
    // RESET goes back to the quorum in postgresql.conf (the model's, or the chart's).
    const setting =
      mode === 'async'
        ? "ALTER SYSTEM SET synchronous_standby_names = ''"
        : 'ALTER SYSTEM RESET synchronous_standby_names';
    await pgQuery(primary, setting);
    await pgQuery(primary, 'SELECT pg_reload_conf()');
  }

  async setApplyDelay(node: string, delayMs: number): Promise<void> {
    const standby = this.topology.node(node);
    const setting =
      delayMs > 0
        ? `ALTER SYSTEM SET recovery_min_apply_delay = '${Math.trunc(delayMs)}ms'`
        : 'ALTER SYSTEM RESET recovery_min_apply_delay';
    await pgQuery(standby, setting);
    await pgQuery(standby, 'SELECT pg_reload_conf()');
  }

  async setClockOffset(node: string, offsetMs: number): Promise<void> {
    const { url } = this.topology.node(node);
    const response = await fetch(`${url}/internal/clock`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.env.FAULTLINE_ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ offsetMs }),
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok)
      throw new Error(
        `${node} refused the clock offset: ${response.status} ${await response.text()}`,
      );
  }

  /** Every toxic, disabled proxy, clock offset, apply delay and async mode, whoever made it. */
  async clearAll(): Promise<string[]> {
    const cleared: string[] = [];
    const toxiproxy = this.toxiproxy();
    await this.attempt(cleared, 'toxics and disabled links', () => toxiproxy.healAll());
    for (const node of this.topology.current().nodes) {
      if (node.kind === 'app' && node.name !== 'control') {
        await this.attempt(cleared, `clock offset of ${node.name}`, () =>
          this.setClockOffset(node.name, 0),
        );
      }
      if (node.kind === 'postgres' && node.role === 'replica') {
        await this.attempt(cleared, `apply delay of ${node.name}`, () =>
          this.setApplyDelay(node.name, 0),
        );
      }
      if (node.kind === 'postgres' && node.role === 'primary') {
        await this.attempt(cleared, `replication mode of ${node.name}`, () =>
          this.setReplicationMode(node.name, 'sync'),
        );
      }
    }
    return cleared;
  }

  /**
   * Clears one fault, adding `what` to `cleared`; a failure is only logged, so one node that
   * does not answer leaves the others cleared.
   */
  protected async attempt(
    cleared: string[],
    what: string,
    action: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await action();
      cleared.push(what);
    } catch (err) {
      this.logger.warn(`could not clear ${what}: ${(err as Error).message}`);
    }
  }
}
