import { connect } from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { isAlive, pgQuery, readHolds, ToxiproxyClient, writeHolds } from '@faultline/topology';
import { ControlEnvironment } from '../config/control-environment';
import { TopologySource } from '../topology/topology-source';
import { FaultBackend } from './fault-backend';

const toxicName = (drillId: string, stream: string) => `drill-${drillId}-${stream}`;

/** Whether something still accepts connections at host:port. */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Faults on the local topology: Toxiproxy's API, signals, SQL and the services' clock endpoints. */
@Injectable()
export class LocalFaultBackend extends FaultBackend {
  private readonly logger = new Logger('LocalFaultBackend');

  constructor(
    private readonly topology: TopologySource,
    private readonly env: ControlEnvironment,
  ) {
    super();
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

  async healLink(link: string, drillId: string): Promise<void> {
    const toxiproxy = this.toxiproxy();
    const proxy = (await toxiproxy.proxies()).find((p) => p.name === link);
    if (!proxy) return;
    for (const toxic of proxy.toxics.filter((t) => t.name.startsWith(`drill-${drillId}-`))) {
      await toxiproxy.removeToxic(link, toxic.name);
    }
    if (!proxy.enabled) await toxiproxy.setEnabled(link, true);
  }

  async killNode(node: string, drillId: string): Promise<void> {
    const stateFile = this.topology.stateFile;
    // The hold first: the supervisor must not restart what this kill takes down.
    writeHolds(stateFile, { ...readHolds(stateFile), [node]: drillId });
    const { pid, host, port } = this.topology.node(node);
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Already gone, or no group of its own.
      }
    }
    // The drill answers once the node is down: its process gone and its port refusing.
    for (let i = 0; i < 50 && (isAlive(pid) || (await accepts(host, port))); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Releases the hold; the topology's supervisor restarts the node within a second. */
  async reviveNode(node: string): Promise<void> {
    const stateFile = this.topology.stateFile;
    const holds = readHolds(stateFile);
    delete holds[node];
    writeHolds(stateFile, holds);
  }

  async setApplyDelay(node: string, delayMs: number): Promise<void> {
    const { port } = this.topology.node(node);
    const setting =
      delayMs > 0
        ? `ALTER SYSTEM SET recovery_min_apply_delay = '${Math.trunc(delayMs)}ms'`
        : 'ALTER SYSTEM RESET recovery_min_apply_delay';
    await pgQuery(port, setting);
    await pgQuery(port, 'SELECT pg_reload_conf()');
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

  /** Every toxic, disabled proxy, clock offset, apply delay and kill hold, whoever made it. */
  async clearAll(): Promise<string[]> {
    const cleared: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
        cleared.push(what);
      } catch (err) {
        this.logger.warn(`could not clear ${what}: ${(err as Error).message}`);
      }
    };
    const toxiproxy = this.toxiproxy();
    await attempt('toxics and disabled links', () => toxiproxy.healAll());
    const state = this.topology.current();
    for (const node of state.nodes) {
      if (node.kind === 'app' && node.name !== 'control') {
        await attempt(`clock offset of ${node.name}`, () => this.setClockOffset(node.name, 0));
      }
      if (node.kind === 'postgres' && node.role === 'replica') {
        await attempt(`apply delay of ${node.name}`, () => this.setApplyDelay(node.name, 0));
      }
    }
    await attempt('kill holds', async () => writeHolds(this.topology.stateFile, {}));
    return cleared;
  }
}
