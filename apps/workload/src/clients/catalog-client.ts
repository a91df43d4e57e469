import type { ProductDto, PutProductDto } from '@faultline/contracts/dto';
import {
  type HistoryRecorder,
  type Operation,
  OPERATIONS,
  type ReadConsistency,
} from '@faultline/history';
import type { CatalogOp } from '../generator/generated-ops';
import type { Workbench } from '../setup/workbench';
import { type Completion, operate, succeeded } from './operation';
import { callService } from './service-call';

/** The catalog's instances: each is a writer of its own (last-writer-wins between them). */
export type CatalogInstance = 'catalog-a' | 'catalog-b';

/** The catalog's 409 when a write lost last-writer-wins. */
interface LwwRejection {
  error?: string;
  writeTimestamp?: unknown;
  storedTimestamp?: unknown;
}

/**
 * A client of one catalog instance: performs one read or write and records it in the history.
 * A read's `Op.node` is the datastore node that served it (the `x-served-by` header).
 */
export class CatalogClient {
  constructor(
    private readonly history: HistoryRecorder,
    private readonly instance: CatalogInstance,
    private readonly url: string,
    private readonly workbench: Workbench,
  ) {}

  /** A generated operation, its product resolved to this run's. */
  perform(process: string, op: CatalogOp): Promise<Completion> {
    const sku = this.workbench.skus[op.value.sku]!;
    if (op.f === OPERATIONS.read) return this.read(process, sku, op.value.consistency);
    return this.readModifyWrite(process, sku, op.value.name);
  }

  /** One product read; a 404 (never written yet) is version 0. */
  read(
    process: string,
    sku: string,
    consistency: ReadConsistency,
    f: Operation = OPERATIONS.read,
  ): Promise<Completion> {
    return operate(this.history, process, f, { sku, consistency }, async () => {
      const seen = await callService<ProductDto>(
        `${this.url}/products/${sku}`,
        { headers: { Consistency: consistency } },
        false,
      );
      const node = seen.headers?.get('x-served-by') ?? undefined;
      if (seen.status === 404) return succeeded({ sku, version: 0 }, node);
      if (seen.type !== 'ok') return { seen, node };
      const { version, timestamp, name } = seen.body;
      return { seen, value: { sku, version, timestamp, name }, node };
    });
  }

  /**
   * A write after a strong read of the same product: the read lets the instance's clock see the
   * stored timestamp, so the write is causally later (what the lost-updates checker relies on).
   */
  async readModifyWrite(process: string, sku: string, name: string): Promise<Completion> {
    await this.read(process, sku, 'strong');
    return this.write(process, sku, name);
  }

  /** One product write; a 409 that lost last-writer-wins records both timestamps. */
  write(process: string, sku: string, name: string): Promise<Completion> {
    const node = this.instance;
    return operate(this.history, process, OPERATIONS.write, { sku, name }, async () => {
      const body: PutProductDto = { name, priceCents: 100, stock: 1000 };
      const seen = await callService<ProductDto>(
        `${this.url}/products/${sku}`,
        { method: 'PUT', body },
        true,
      );
      if (seen.type === 'ok') {
        const { version, timestamp, writer } = seen.body;
        return { seen, value: { sku, version, timestamp, writer }, node };
      }
      const rejection = seen.body as LwwRejection | undefined;
      if (rejection?.error !== 'lww_rejected') return { seen, node };
      const { writeTimestamp, storedTimestamp } = rejection;
      return {
        seen,
        value: { reason: 'lww_rejected', sku, writeTimestamp, storedTimestamp },
        node,
      };
    });
  }

  /** A product as one consistency reads it (unrecorded); undefined if unread. */
  async product(sku: string, consistency: ReadConsistency): Promise<ProductDto | undefined> {
    const seen = await callService<ProductDto>(
      `${this.url}/products/${sku}`,
      { headers: { Consistency: consistency } },
      false,
    );
    return seen.type === 'ok' ? seen.body : undefined;
  }
}
