import { Injectable, Logger } from '@nestjs/common';
import { type NodeKind, readRoles, writeRoles } from '@faultline/topology';
import { TopologySource } from './topology-source';

export interface Promotion {
  kind: NodeKind;
  /** The node that is primary now. */
  primary: string;
  /** The node that was. */
  former?: string;
}

/**
 * Where a failover records that the primary moved: the roles file (which every reader of the
 * topology sees) and whoever must follow it at once (drills on the moved nodes).
 */
@Injectable()
export class RoleChanges {
  private readonly logger = new Logger('RoleChanges');
  private readonly listeners: ((promotion: Promotion) => Promise<void>)[] = [];

  constructor(private readonly topology: TopologySource) {}

  onPromotion(listener: (promotion: Promotion) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /**
   * `primary` becomes the only primary of its kind; every other node of the kind a replica.
   * The listeners follow in the background: the failover that called must not wait for them
   * (re-applying a drill can take as long as its latency takes to drain) nor fail with them.
   */
  async promote(kind: NodeKind, primary: string): Promise<Promotion> {
    const nodes = this.topology.current().nodes.filter((n) => n.kind === kind);
    const former = nodes.find((n) => n.role === 'primary')?.name;
    const roles = readRoles(this.topology.rolesFile);
    for (const node of nodes) roles[node.name] = node.name === primary ? 'primary' : 'replica';
    writeRoles(this.topology.rolesFile, roles);
    const promotion = { kind, primary, ...(former ? { former } : {}) };
    for (const listener of this.listeners) {
      void listener(promotion).catch((err: Error) =>
        this.logger.error(`after ${primary} became primary: ${err.message}`),
      );
    }
    return promotion;
  }
}
