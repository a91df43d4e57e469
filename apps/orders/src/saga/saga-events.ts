/** The saga's events, one topic keyed by order id so one order's events stay in order. */
export const SAGA_TOPIC = 'orders.saga';
export const SAGA_GROUP = 'orders-saga';

export type SagaEventType =
  'order.placed' | 'stock.reserved' | 'payment.charged' | 'order.confirmed' | 'order.cancelled';

export interface SagaEvent {
  eventId: string;
  orderId: string;
  type: SagaEventType;
  payload: Record<string, unknown>;
}
