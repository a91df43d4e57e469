import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  readState,
  resolveNode,
  rolesFileOf,
  type TopologyMap,
  type TopologyNode,
} from '@faultline/topology';
import { ControlEnvironment } from '../config/control-environment';

/**
 * The topology control works on, read fresh from FAULTLINE_STATE_FILE on every use: locally
 * the state file, which the supervisor rewrites when it restarts a node (new pid); in
 * Kubernetes the topology map the Helm chart mounts (addresses and pod selectors, no pids);
 * the roles file over both.
 */
@Injectable()
export class TopologySource {
  constructor(private readonly env: ControlEnvironment) {}

  get stateFile(): string {
    return this.env.FAULTLINE_STATE_FILE;
  }

  /** The datastores' roles since the last failover (RoleChanges writes them). */
  get rolesFile(): string {
    return this.env.FAULTLINE_ROLES_FILE ?? rolesFileOf(this.stateFile);
  }

  /** Each node in its role now. */
  current(): TopologyMap {
    const state = readState<TopologyNode>(this.env.FAULTLINE_STATE_FILE, this.rolesFile);
    if (!state)
      throw new ServiceUnavailableException(
        `no topology state at ${this.env.FAULTLINE_STATE_FILE}`,
      );
    return state;
  }

  /** A node by name, or the node an endpoint (`pg-primary`) leads to now. */
  node(name: string): TopologyNode {
    const node = resolveNode(this.current().nodes, name);
    if (!node) throw new Error(`no node ${name} in the topology`);
    return node;
  }

  toxiproxyUrl(): string {
    const url = this.current().nodes.find((n) => n.kind === 'toxiproxy')?.url;
    if (!url) throw new ServiceUnavailableException('the topology has no toxiproxy node');
    return url;
  }
}
