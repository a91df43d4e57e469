import { Inject, Injectable } from '@nestjs/common';
import { OrdersEnvironment } from '../config/orders-environment';

/** A step that could not tell whether it took effect: the event is retried (effects are idempotent). */
export class StepUnavailable extends Error {}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (err) {
    throw new StepUnavailable(`${method} ${url}: ${(err as Error).message}`);
  }
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status >= 500)
    throw new StepUnavailable(`${method} ${url}: ${response.status} ${JSON.stringify(parsed)}`);
  return { status: response.status, body: parsed };
}

/**
 * The catalog and payments as the saga calls them: every effect keyed by the order, so
 * a step repeated after a crash or a redelivery applies once.
 */
@Injectable()
export class SagaServices {
  constructor(@Inject(OrdersEnvironment) private readonly env: OrdersEnvironment) {}

  product(sku: string): Promise<Answer> {
    return call(`${this.env.CATALOG_URL}/products/${encodeURIComponent(sku)}`, 'GET', undefined, {
      Consistency: 'strong',
    });
  }

  reserve(sku: string, qty: number, orderId: string): Promise<Answer> {
    return call(`${this.env.CATALOG_URL}/products/${encodeURIComponent(sku)}/reserve`, 'POST', {
      qty,
      orderId,
    });
  }

  release(sku: string, orderId: string): Promise<Answer> {
    return call(`${this.env.CATALOG_URL}/products/${encodeURIComponent(sku)}/release`, 'POST', {
      orderId,
    });
  }

  charge(orderId: string, accountId: string, amount: number): Promise<Answer> {
    return call(
      `${this.env.PAYMENTS_URL}/payments`,
      'POST',
      { accountId, amount, reference: `order-${orderId}` },
      { 'Idempotency-Key': `order-${orderId}` },
    );
  }
}
