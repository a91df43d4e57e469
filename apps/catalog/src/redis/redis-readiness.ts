import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@faultline/telemetry';
import { RedisNodes } from './redis-nodes';

/**
 * Ready while the primary or this instance's replica answers. An AP service keeps
 * serving (possibly stale) reads when one side is cut off, so a partition must not
 * take it out of its Service.
 */
@Injectable()
export class RedisReadiness implements ReadinessCheck {
  readonly name = 'redis';

  constructor(private readonly nodes: RedisNodes) {}

  async check(): Promise<void> {
    await Promise.any([this.nodes.primary.redis.ping(), this.nodes.replica.redis.ping()]);
  }
}
