import { Injectable } from '@nestjs/common';
import {
  acceptsConnections,
  isAlive,
  linkUpstream,
  readHolds,
  signalServer,
  ToxiproxyClient,
  writeHolds,
} from '@faultline/topology';
import { ControlEnvironment } from '../config/control-environment';
import { TopologySource } from '../topology/topology-source';
import { SharedFaultBackend } from './shared-fault-backend';

/**
 * Faults on the local topology: links, replication delay and clocks as everywhere
 * (SharedFaultBackend); a kill is a SIGKILL plus a hold that keeps the topology's
 * supervisor from restarting the node until the drill heals.
 */
@Injectable()
export class LocalFaultBackend extends SharedFaultBackend {
  constructor(topology: TopologySource, env: ControlEnvironment) {
    super(topology, env, 'LocalFaultBackend');
  }

  /** SIGSTOP to the node's process group (a launcher's children too), then to the process. */
  async pauseNode(node: string): Promise<void> {
    this.signal(node, 'SIGSTOP');
  }

  async resumeNode(node: string): Promise<void> {
    this.signal(node, 'SIGCONT');
  }

  private signal(node: string, signal: NodeJS.Signals): void {
    const { pid } = this.topology.node(node);
    if (pid === undefined) throw new Error(`${node} has no pid in ${this.topology.stateFile}`);
    if (!signalServer(pid, signal)) throw new Error(`${node} (pid ${pid}) is not running`);
  }

  async killNode(node: string, drillId: string): Promise<void> {
    const stateFile = this.topology.stateFile;
    const { pid, host, port } = this.topology.node(node);
    if (pid === undefined) throw new Error(`${node} has no pid in ${stateFile}: nothing to kill`);
    // The hold first: the supervisor must not restart what this kill takes down.
    writeHolds(stateFile, { ...readHolds(stateFile), [node]: drillId });
    signalServer(pid, 'SIGKILL');
    // The drill answers once the node is down: its process gone and its port refusing.
    for (let i = 0; i < 50 && (isAlive(pid) || (await acceptsConnections(host, port))); i++) {
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

  async holdOf(node: string): Promise<string | undefined> {
    return readHolds(this.topology.stateFile)[node];
  }

  async moveEndpoint(endpoint: string): Promise<void> {
    const { nodes, links } = this.topology.current();
    const toxiproxy = new ToxiproxyClient(this.topology.toxiproxyUrl());
    for (const link of links.filter((l) => l.server === endpoint)) {
      const upstream = linkUpstream(nodes, link);
      if (!upstream) throw new Error(`${endpoint} leads to no node: none is primary`);
      await toxiproxy.setUpstream(link.name, upstream);
    }
  }

  /** What every topology clears (SharedFaultBackend), then the kill holds. */
  override async clearAll(): Promise<string[]> {
    const cleared = await super.clearAll();
    await this.attempt(cleared, 'kill holds', async () => writeHolds(this.topology.stateFile, {}));
    // No node stays frozen past the control that paused it.
    await this.attempt(cleared, 'pauses', async () => {
      for (const node of this.topology.current().nodes) {
        if (node.pid !== undefined && isAlive(node.pid)) this.signal(node.name, 'SIGCONT');
      }
    });
    return cleared;
  }
}
