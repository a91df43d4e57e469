import { context, propagation } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import type { SagaEventType } from './saga-events';

/**
 * Writes an event into the outbox, in the caller's transaction: the state change and
 * the event it announces commit together or not at all. The active trace context is
 * kept with it, so the relay publishes it as part of the order's trace.
 */
export async function emit(
  tx: PoolClient,
  orderId: string,
  type: SagaEventType,
  payload: Record<string, unknown> = {},
): Promise<void> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  await tx.query(
    'INSERT INTO outbox (order_id, type, payload, trace_context) VALUES ($1, $2, $3, $4)',
    [orderId, type, JSON.stringify(payload), JSON.stringify(carrier)],
  );
}
