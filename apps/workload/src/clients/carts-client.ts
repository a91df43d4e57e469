import {
  CONSISTENCY_LEVEL_HEADER,
  type CartFailure,
  type ConsistencyLevel,
  COORDINATOR_HEADER,
} from '@faultline/contracts';
import type { AddItemDto, CartDto, CartWriteDto, ReplaceCartDto } from '@faultline/contracts/dto';
import { type HistoryRecorder, OPERATIONS } from '@faultline/history';
import { type Completion, operate } from './operation';
import { callService, type Seen } from './service-call';

/** The quorum lab's carts instances: each writes with its own clock. */
export type CartsInstance = 'carts-a' | 'carts-b';

/**
 * Cassandra's Unavailable is a certain failure: the coordinator did not attempt the write. A
 * timeout stays indeterminate (some replica may have it).
 */
function classified<T>(seen: Seen<T>): Seen<T> {
  const failure = seen.body as Partial<CartFailure> | undefined;
  return seen.type === 'info' && failure?.error === 'unavailable'
    ? { ...seen, type: 'fail' }
    : seen;
}

/** What a refusal's value records: Cassandra's counts. */
const refusal = (seen: Seen): unknown => {
  const failure = seen.body as Partial<CartFailure> | undefined;
  return failure?.error === undefined
    ? undefined
    : { reason: failure.error, required: failure.required, alive: failure.alive };
};

/**
 * A client of one carts instance: performs one add, replace or read and records it. A write's
 * `Op.node` is the writer (this instance); a read's, the member that coordinated it.
 */
export class CartsClient {
  constructor(
    private readonly history: HistoryRecorder,
    readonly instance: CartsInstance,
    private readonly url: string,
  ) {}

  add(process: string, cart: string, item: string, consistency: ConsistencyLevel) {
    const body: AddItemDto = { item };
    return this.write(process, OPERATIONS.cartAdd, { cart, item, consistency }, consistency, {
      path: `/carts/${cart}/items`,
      method: 'POST',
      body,
    });
  }

  replace(process: string, cart: string, items: string[], consistency: ConsistencyLevel) {
    const body: ReplaceCartDto = { items };
    return this.write(process, OPERATIONS.cartReplace, { cart, items, consistency }, consistency, {
      path: `/carts/${cart}`,
      method: 'PUT',
      body,
    });
  }

  read(process: string, cart: string, consistency: ConsistencyLevel): Promise<Completion> {
    return operate(this.history, process, OPERATIONS.cartRead, { cart, consistency }, () =>
      this.get(`/carts/${cart}`, { [CONSISTENCY_LEVEL_HEADER]: consistency }),
    );
  }

  /** What one member holds; `Op.node` is that member. */
  finalRead(process: string, cart: string, replica: string): Promise<Completion> {
    return operate(
      this.history,
      process,
      OPERATIONS.cartFinalRead,
      { cart, replica },
      async () => ({
        ...(await this.get(`/carts/${cart}/replicas/${replica}`, {})),
        node: replica,
      }),
    );
  }

  private async get(path: string, headers: Record<string, string>): Promise<Completion> {
    const seen = classified(await callService<CartDto>(`${this.url}${path}`, { headers }, false));
    const node = seen.headers?.get(COORDINATOR_HEADER) ?? undefined;
    if (seen.type !== 'ok') return { seen, value: refusal(seen), node };
    return { seen, value: { cart: seen.body.cart, items: seen.body.items }, node };
  }

  private write(
    process: string,
    f: string,
    value: unknown,
    consistency: ConsistencyLevel,
    request: { path: string; method: 'POST' | 'PUT'; body: object },
  ): Promise<Completion> {
    const node = this.instance;
    return operate(this.history, process, f, value, async () => {
      const seen = classified(
        await callService<CartWriteDto>(
          `${this.url}${request.path}`,
          {
            method: request.method,
            body: request.body,
            headers: { [CONSISTENCY_LEVEL_HEADER]: consistency },
          },
          true,
        ),
      );
      if (seen.type !== 'ok') return { seen, value: refusal(seen), node };
      const { cart, timestampMicros, writer } = seen.body;
      return { seen, value: { cart, timestampMicros, writer }, node };
    });
  }
}
