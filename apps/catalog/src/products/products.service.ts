import {
  ConflictException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { HlcTimestamp } from '@faultline/clock';
import { CatalogEnvironment } from '../config/catalog-environment';
import { WriteTimestamps } from '../ordering/write-timestamps';
import { type Consistency, type RedisNode, RedisNodes } from '../redis/redis-nodes';
import { CatalogMetrics } from './catalog-metrics';
import type {
  ProductDto,
  PutProductDto,
  ReleaseResultDto,
  ReservationDto,
} from '@faultline/contracts/dto';
import {
  LWW_WRITE,
  productKey,
  RELEASE,
  releasedKey,
  RESERVE,
  reservationsKey,
  SKUS_KEY,
} from './redis-scripts';

/** A read's answer and the node that served it. */
export interface Served<T> {
  value: T;
  servedBy: string;
}

const toProduct = (hash: Record<string, string>): ProductDto => {
  const timestamp: HlcTimestamp = { wallMs: Number(hash.tsWall), logical: Number(hash.tsLogical) };
  return {
    sku: hash.sku!,
    name: hash.name!,
    priceCents: Number(hash.priceCents),
    stock: Number(hash.stock),
    version: Number(hash.version),
    updatedAt: new Date(timestamp.wallMs).toISOString(),
    timestamp,
    writer: hash.writer!,
  };
};

@Injectable()
export class ProductsService {
  constructor(
    private readonly env: CatalogEnvironment,
    private readonly nodes: RedisNodes,
    private readonly timestamps: WriteTimestamps,
    private readonly metrics: CatalogMetrics,
  ) {}

  /** Runs a Redis call, turning an unreachable node into a 503 that names it. */
  private async on<T>(node: RedisNode, call: (node: RedisNode) => Promise<T>): Promise<T> {
    try {
      return await call(node);
    } catch (err) {
      throw new ServiceUnavailableException({
        error: 'redis_unavailable',
        node: node.name,
        message: `${node.name} did not answer: ${(err as Error).message}`,
      });
    }
  }

  async put(sku: string, dto: PutProductDto): Promise<ProductDto> {
    const ts = this.timestamps.next();
    const writer = this.env.FAULTLINE_NODE;
    const primary = this.nodes.primary;
    let result: (string | number)[];
    try {
      result = (await this.on(primary, (n) =>
        n.redis.eval(
          LWW_WRITE,
          2,
          productKey(sku),
          SKUS_KEY,
          sku,
          dto.name,
          dto.priceCents,
          dto.stock,
          ts.wallMs,
          ts.logical,
          writer,
        ),
      )) as (string | number)[];
    } catch (err) {
      this.metrics.write('error');
      throw err;
    }
    if (Number(result[0]) === 0) {
      this.metrics.write('lww_rejected');
      const stored: HlcTimestamp = { wallMs: Number(result[1]), logical: Number(result[2]) };
      this.timestamps.observe(stored);
      throw new ConflictException({
        error: 'lww_rejected',
        message: `a write with an equal or newer timestamp is stored (by ${result[3]}): this write lost last-writer-wins`,
        ordering: this.env.CATALOG_ORDERING,
        writeTimestamp: ts,
        storedTimestamp: stored,
        storedWriter: String(result[3]),
      });
    }
    this.metrics.write('ok');
    return {
      sku,
      ...dto,
      version: Number(result[1]),
      updatedAt: new Date(ts.wallMs).toISOString(),
      timestamp: ts,
      writer,
    };
  }

  async get(sku: string, consistency: Consistency): Promise<Served<ProductDto>> {
    const node = this.nodes.forReads(consistency);
    const hash = await this.on(node, (n) => n.redis.hgetall(productKey(sku)));
    this.metrics.read(consistency, node.name);
    if (!hash.sku)
      throw new NotFoundException(`product ${sku} does not exist (read on ${node.name})`);
    const product = toProduct(hash);
    this.timestamps.observe(product.timestamp);
    return { value: product, servedBy: node.name };
  }

  async list(consistency: Consistency): Promise<Served<ProductDto[]>> {
    const node = this.nodes.forReads(consistency);
    const products = await this.on(node, async (n) => {
      const skus = (await n.redis.smembers(SKUS_KEY)).sort();
      const pipeline = n.redis.pipeline();
      for (const sku of skus) pipeline.hgetall(productKey(sku));
      const replies = (await pipeline.exec()) ?? [];
      return replies
        .map(([, hash]) => hash as Record<string, string>)
        .filter((hash) => hash.sku)
        .map(toProduct);
    });
    this.metrics.read(consistency, node.name);
    for (const product of products) this.timestamps.observe(product.timestamp);
    return { value: products, servedBy: node.name };
  }

  async reserve(sku: string, qty: number, orderId: string): Promise<ReservationDto> {
    const result = (await this.on(this.nodes.primary, (n) =>
      n.redis.eval(
        RESERVE,
        3,
        productKey(sku),
        reservationsKey(sku),
        releasedKey(sku),
        orderId,
        qty,
      ),
    )) as (string | number)[];
    switch (Number(result[0])) {
      case -1:
        throw new NotFoundException(`product ${sku} does not exist`);
      case 0:
        throw new ConflictException({
          error: 'insufficient_stock',
          message: `reserving ${qty} of ${sku} would leave ${Number(result[1]) - qty} in stock`,
          stock: Number(result[1]),
          requested: qty,
        });
      case 3:
        throw new UnprocessableEntityException(
          `order ${orderId} already reserved ${result[1]} of ${sku}, not ${qty}`,
        );
      case 4:
        throw new ConflictException({
          error: 'reservation_released',
          message: `order ${orderId}'s reservation of ${sku} was released (compensated): it cannot reserve again`,
          orderId,
          released: Number(result[1]),
        });
      default:
        return { sku, orderId, qty, stock: Number(result[1]), replayed: Number(result[0]) === 2 };
    }
  }

  /**
   * Gives back what `orderId` reserved, once (a saga's compensation). An order that never
   * reserved releases 0 and can no longer reserve: a late reserve cannot resurrect it.
   */
  async release(sku: string, orderId: string): Promise<ReleaseResultDto> {
    const result = (await this.on(this.nodes.primary, (n) =>
      n.redis.eval(RELEASE, 3, productKey(sku), reservationsKey(sku), releasedKey(sku), orderId),
    )) as (string | number)[];
    if (Number(result[0]) === -1) throw new NotFoundException(`product ${sku} does not exist`);
    return {
      sku,
      orderId,
      released: Number(result[1]),
      stock: Number(result[2]),
      replayed: Number(result[0]) === 2,
    };
  }
}
