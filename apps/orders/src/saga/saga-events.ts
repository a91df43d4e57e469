/** The saga's events, one topic keyed by order id so one order's events stay in order. */
export const SAGA_TOPIC = 'orders.saga';
export const SAGA_GROUP = 'orders-saga';

export const SAGA_EVENT_TYPES = [
  'order.placed',
  'stock.reserved',
  'payment.charged',
  'order.confirmed',
  'order.cancelled',
] as const;
export type SagaEventType = (typeof SAGA_EVENT_TYPES)[number];

export interface SagaEvent {
  eventId: string;
  orderId: string;
  type: SagaEventType;
  payload: Record<string, unknown>;
}

/** The event a message carries, or undefined when it is not a saga event (not JSON, fields missing). */
export function parseSagaEvent(value: Buffer | null): SagaEvent | undefined {
  if (!value) return undefined;
  let event: Partial<SagaEvent> | null;
  try {
    event = JSON.parse(value.toString()) as Partial<SagaEvent> | null;
  } catch {
    return undefined;
  }
  const wellFormed =
    typeof event?.eventId === 'string' &&
    typeof event.orderId === 'string' &&
    SAGA_EVENT_TYPES.includes(event.type as SagaEventType) &&
    typeof event.payload === 'object' &&
    event.payload !== null;
  return wellFormed ? (event as SagaEvent) : undefined;
}
