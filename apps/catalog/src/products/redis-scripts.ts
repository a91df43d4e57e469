/**
 * The catalog's writes, each one atomic on the Redis primary. Keys:
 * `catalog:product:<sku>` (a hash), `catalog:skus` (a set), `catalog:reservations:<sku>`
 * (orderId -> qty reserved and not released), `catalog:released:<sku>` (the orderIds
 * released, each with the qty its release returned, 0 when it had reserved nothing).
 */

/**
 * Last-writer-wins: applies the write only if its timestamp (wallMs, logical, writer)
 * is newer than the stored one; otherwise returns the stored timestamp. An equal
 * timestamp from the same writer is a repeat of that writer's write and applies.
 * ARGV: sku, name, priceCents, stock, wallMs, logical, writer.
 * Returns {1, version} or {0, storedWallMs, storedLogical, storedWriter}.
 */
export const LWW_WRITE = `
local cur = redis.call('HMGET', KEYS[1], 'tsWall', 'tsLogical', 'writer')
if cur[1] then
  local cw, cl, nw, nl = tonumber(cur[1]), tonumber(cur[2]), tonumber(ARGV[5]), tonumber(ARGV[6])
  if nw < cw or (nw == cw and (nl < cl or (nl == cl and ARGV[7] < cur[3]))) then
    return {0, cur[1], cur[2], cur[3]}
  end
end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'sku', ARGV[1], 'name', ARGV[2], 'priceCents', ARGV[3], 'stock', ARGV[4],
  'tsWall', ARGV[5], 'tsLogical', ARGV[6], 'writer', ARGV[7])
redis.call('SADD', KEYS[2], ARGV[1])
return {1, version}
`;

/**
 * Reserves stock once per orderId, never below zero, and never for an order already
 * released (a late reserve must not resurrect a compensated order). ARGV: orderId, qty.
 * KEYS: product, reservations, released.
 * Returns {-1} unknown sku, {0, stock} not enough, {1, stockLeft} reserved,
 * {2, stock} already reserved by this order with this qty, {3, qty} reserved with another qty,
 * {4, releasedQty} the order was released.
 */
export const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local released = redis.call('HGET', KEYS[3], ARGV[1])
if released then return {4, released} end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous then
  if previous == ARGV[2] then return {2, redis.call('HGET', KEYS[1], 'stock')} end
  return {3, previous}
end
local stock = tonumber(redis.call('HGET', KEYS[1], 'stock'))
if stock < tonumber(ARGV[2]) then return {0, stock} end
local left = redis.call('HINCRBY', KEYS[1], 'stock', -tonumber(ARGV[2]))
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {1, left}
`;

/**
 * Releases an order's reservation once: returns its qty to stock, forgets the
 * reservation and remembers the orderId as released (with the qty returned). An order
 * that never reserved is remembered as released with qty 0, so a later RESERVE of it is
 * refused. ARGV: orderId. KEYS: product, reservations, released.
 * Returns {-1} unknown sku, {1, qtyReleased, stock} released now,
 * {2, qtyReleased, stock} released before (a replay, nothing changed).
 */
export const RELEASE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local released = redis.call('HGET', KEYS[3], ARGV[1])
if released then return {2, released, redis.call('HGET', KEYS[1], 'stock')} end
local qty = redis.call('HGET', KEYS[2], ARGV[1])
if not qty then
  redis.call('HSET', KEYS[3], ARGV[1], 0)
  return {1, 0, redis.call('HGET', KEYS[1], 'stock')}
end
local stock = redis.call('HINCRBY', KEYS[1], 'stock', tonumber(qty))
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], qty)
return {1, qty, stock}
`;

export const productKey = (sku: string): string => `catalog:product:${sku}`;
export const reservationsKey = (sku: string): string => `catalog:reservations:${sku}`;
export const releasedKey = (sku: string): string => `catalog:released:${sku}`;
export const SKUS_KEY = 'catalog:skus';
