import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '@faultline/service';
import { topologyStatus } from '@faultline/topology';
import type { Drill } from '@faultline/contracts';
import { DrillsService } from '../drills/drills.service';
import { TopologySource } from './topology-source';

/** An active drill as it shows on the node or link it affects. */
interface Fault {
  drillId: string;
  kind: Drill['kind'];
  params: Drill['params'];
  expiresAt: string;
}

const faultsOn = (drills: Drill[], resource: (footprint: string) => boolean): Fault[] =>
  drills
    .filter((d) => d.footprint.some(resource))
    .map((d) => ({ drillId: d.id, kind: d.kind, params: d.params, expiresAt: d.expiresAt }));

@ApiTags('topology')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('topology')
export class TopologyController {
  constructor(
    private readonly topology: TopologySource,
    private readonly drills: DrillsService,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'Nodes and links with their health and the faults active on each, and the node each read-write endpoint leads to',
  })
  async get() {
    const status = await topologyStatus(this.topology.current());
    const active = this.drills.active();
    return {
      nodes: status.nodes.map((n) => ({
        ...n,
        faults: faultsOn(active, (f) => f === `node:${n.name}` || f.startsWith(`node:${n.name}:`)),
      })),
      endpoints: status.endpoints,
      links: status.links.map((l) => ({
        ...l,
        faults: faultsOn(active, (f) => f === `link:${l.name}`),
      })),
    };
  }
}
