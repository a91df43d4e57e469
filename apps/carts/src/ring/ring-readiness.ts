import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@faultline/telemetry';
import { RingSession } from './ring-session';

/**
 * Ready while the driver has a connection to any member: an AP service keeps answering the
 * levels a partition leaves possible (ONE with one member cut off, QUORUM too).
 */
@Injectable()
export class RingReadiness implements ReadinessCheck {
  readonly name = 'cassandra';

  constructor(private readonly ring: RingSession) {}

  async check(): Promise<void> {
    const up = this.ring.client.getState().getConnectedHosts();
    if (up.length === 0) throw new Error('no Cassandra member is connected');
  }
}
