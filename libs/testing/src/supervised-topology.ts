import { after, before } from 'node:test';
import {
  readState,
  type StartOptions,
  startTopology,
  stopTopology,
  type TopologyState,
  TopologySupervisor,
} from '@faultline/topology';

/**
 * A suite's own local topology, run as `faultline up` runs it: started before the suite's
 * tests, a node a drill or a failover took down brought back by the supervisor, and everything
 * stopped after the tests, even when one failed.
 */
export class SupervisedTopology {
  private started?: TopologyState;
  private supervisor?: TopologySupervisor;

  constructor(options: StartOptions & { logSupervisor?: boolean } = {}) {
    before(async () => {
      this.started = await startTopology(options);
      this.supervisor = new TopologySupervisor(
        this.started.stateFile,
        options.logSupervisor
          ? (event) => console.log(`# supervisor: ${JSON.stringify(event)}`)
          : undefined,
      ).start();
    });
    after(async () => {
      this.supervisor?.stop();
      if (this.started) await stopTopology(readState(this.started.stateFile) ?? this.started);
    });
  }

  /** The topology as it started (roles may have moved since: see readState). */
  get state(): TopologyState {
    if (!this.started) throw new Error('the topology has not started: use it inside a test');
    return this.started;
  }

  url(node: string): string {
    const url = this.state.nodes.find((n) => n.name === node)?.url;
    if (!url) throw new Error(`${node} has no URL in this topology`);
    return url;
  }
}
