import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type QueryOptions, types } from 'cassandra-driver';
import { Clock } from '@faultline/clock';
import type { ConsistencyLevel } from '@faultline/contracts';
import type { CartDto, CartWriteDto } from '@faultline/contracts/dto';
import { CartsEnvironment } from '../config/carts-environment';
import { CARTS_TABLE } from '../ring/carts-schema';
import { RingSession } from '../ring/ring-session';
import { ringFailure } from './ring-failure';

const LEVEL: Record<ConsistencyLevel, number> = {
  ONE: types.consistencies.one,
  QUORUM: types.consistencies.quorum,
  ALL: types.consistencies.all,
};

/**
 * The Dynamo paper's shopping cart on the ring. Every write carries this instance's clock as
 * its timestamp (`USING TIMESTAMP`), so a skewed clock has its real effect on last-write-wins.
 */
@Injectable()
export class CartsService {
  /** Distinguishes writes within one millisecond of this instance's clock. */
  private sequence = 0;

  constructor(
    private readonly env: CartsEnvironment,
    private readonly ring: RingSession,
    private readonly clock: Clock,
  ) {}

  /** Adds one item: a cell of the set of its own, which no concurrent add overwrites. */
  add(cart: string, item: string, consistency?: ConsistencyLevel): Promise<CartWriteDto> {
    return this.write(
      cart,
      `UPDATE ${CARTS_TABLE} USING TIMESTAMP ? SET items = items + ? WHERE cart = ?`,
      [item],
      consistency,
    );
  }

  /** Replaces the whole cart: one last-write-wins write, whichever timestamp is larger wins. */
  replace(cart: string, items: string[], consistency?: ConsistencyLevel): Promise<CartWriteDto> {
    return this.write(
      cart,
      `UPDATE ${CARTS_TABLE} USING TIMESTAMP ? SET items = ? WHERE cart = ?`,
      items,
      consistency,
    );
  }

  async read(cart: string, consistency?: ConsistencyLevel): Promise<CartDto> {
    const level = consistency ?? this.env.CARTS_CONSISTENCY;
    return this.select(cart, level, { consistency: LEVEL[level] });
  }

  /**
   * What one member holds: a ONE read that member coordinates, which it serves from its own
   * data (the snitch ranks the coordinator first, and no speculative retry goes elsewhere).
   */
  async readReplica(cart: string, member: string): Promise<CartDto> {
    if (!this.ring.members.includes(member)) {
      throw new BadRequestException(
        `member must be one of ${this.ring.members.join(', ')}, not ${JSON.stringify(member)}`,
      );
    }
    const pinned = this.ring.pinnedTo(member);
    if (!pinned) {
      throw new ServiceUnavailableException({
        error: 'no-host-available',
        message: `${member} is not known to the driver yet`,
        consistency: 'ONE',
      });
    }
    return this.select(cart, 'ONE', { ...pinned, consistency: LEVEL.ONE });
  }

  private async select(
    cart: string,
    consistency: ConsistencyLevel,
    options: QueryOptions,
  ): Promise<CartDto> {
    const result = await this.run(consistency, () =>
      this.ring.execute(`SELECT items FROM ${CARTS_TABLE} WHERE cart = ?`, [cart], options),
    );
    const items = (result.first()?.get('items') as string[] | null | undefined) ?? [];
    return {
      cart,
      items: [...items].sort(),
      consistency,
      coordinator: this.ring.coordinatorOf(result.info),
    };
  }

  private async write(
    cart: string,
    statement: string,
    items: string[],
    consistency?: ConsistencyLevel,
  ): Promise<CartWriteDto> {
    const level = consistency ?? this.env.CARTS_CONSISTENCY;
    const timestampMicros = this.clock.now() * 1_000 + (this.sequence++ % 1_000);
    const result = await this.run(level, () =>
      this.ring.execute(statement, [types.Long.fromNumber(timestampMicros), items, cart], {
        consistency: LEVEL[level],
      }),
    );
    return {
      cart,
      timestampMicros,
      writer: this.env.FAULTLINE_NODE,
      consistency: level,
      coordinator: this.ring.coordinatorOf(result.info),
    };
  }

  private async run<T>(consistency: ConsistencyLevel, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw ringFailure(err, consistency) ?? err;
    }
  }
}
