/**
 * Lua scripts of the space. Each runs atomically inside Redis, so check-and-take can never
 * interleave with another buyer: this is what makes oversell impossible. Kept as string
 * constants because bundlers do not ship `.lua` files; loaded with `defineCommand`
 * (EVALSHA, with a fallback to EVAL on NOSCRIPT).
 */

/**
 * KEYS: inventory, customers, idempotency, orders, pending, timeline
 * ARGV: idempotencyField, fingerprint, customerId, quantity, orderJson, orderId, nowMs, timelineBucketMs
 * Returns {outcome, ...}: ok(json) | replay(json, pending 0/1) | reused | missing | rehydrating
 * | not_on_sale | limit(allowed) | short(stock)
 */
export const TAKE_TICKETS = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local prior = redis.call('HGET', KEYS[3], ARGV[1])
if prior then
  local sep = string.find(prior, '\\n', 1, true)
  if string.sub(prior, 1, sep - 1) ~= ARGV[2] then return {'reused'} end
  local oid = string.sub(prior, sep + 1)
  local pending = redis.call('ZSCORE', KEYS[5], oid) and 1 or 0
  return {'replay', redis.call('HGET', KEYS[4], oid) or '', pending}
end
if status == 'frozen' then return {'rehydrating'} end
if status ~= 'on_sale' then return {'not_on_sale'} end
local qty = tonumber(ARGV[4])
local max = tonumber(redis.call('HGET', KEYS[1], 'max'))
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
if had + qty > max then return {'limit', max - had} end
local stock = tonumber(redis.call('HGET', KEYS[1], 'stock'))
if stock < qty then return {'short', stock} end
redis.call('HINCRBY', KEYS[1], 'stock', -qty)
local sold = redis.call('HINCRBY', KEYS[1], 'sold', qty)
redis.call('HINCRBY', KEYS[1], 'pendingTickets', qty)
redis.call('HSET', KEYS[2], ARGV[3], had + qty)
local order = cjson.decode(ARGV[5])
order['soldAfter'] = sold
local json = cjson.encode(order)
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. '\\n' .. ARGV[6])
redis.call('HSET', KEYS[4], ARGV[6], json)
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[6])
local bucketMs = tonumber(ARGV[8])
redis.call('HINCRBY', KEYS[6], math.floor(tonumber(ARGV[7]) / bucketMs) * bucketMs, qty)
return {'ok', json}
`;

/**
 * Moves stock out of a donor shard, recording the loan in the donor's slot so a crash before
 * the credit is recovered by the sweeper rather than losing tickets.
 * KEYS: donor inventory, donor lent. ARGV: want, transferId, toShard, nowMs. Returns the count lent.
 */
export const LEND_STOCK = `
if redis.call('HGET', KEYS[1], 'status') ~= 'on_sale' then return 0 end
local stock = tonumber(redis.call('HGET', KEYS[1], 'stock'))
local n = math.min(stock, tonumber(ARGV[1]))
if n <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'stock', -n)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '\\n' .. n .. '\\n' .. ARGV[4])
return n
`;

/**
 * Credits a loan to the receiving shard once, whoever (buyer or sweeper) delivers it.
 * KEYS: inventory, received. ARGV: transferId, count. Returns 1 when credited now, 0 when already, -1 when the shard is gone.
 */
export const CREDIT_STOCK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'stock', tonumber(ARGV[2]))
return 1
`;

/**
 * The writer confirms orders it persisted; ZREM makes a redelivered confirmation a no-op.
 * KEYS: inventory, pending. ARGV: orderId, quantity, orderId, quantity, … Returns orders confirmed now.
 */
export const CONFIRM_PERSISTED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'pendingTickets', -tonumber(ARGV[i + 1]))
    n = n + 1
  end
end
return n
`;

/**
 * Loads a fresh shard only when absent, so a repeated preload never resets a sale in progress.
 * KEYS: inventory. ARGV: stock, max, shard. Returns 1 when loaded, 0 when it was there.
 */
export const LOAD_SHARD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'stock', ARGV[1], 'sold', 0, 'pendingTickets', 0, 'max', ARGV[2], 'shard', ARGV[3], 'status', 'on_sale')
return 1
`;

/** KEYS: inventory. Stops sales on a shard while the show is rebuilt; replays still answer. */
export const FREEZE_SHARD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'frozen')
return 1
`;

/**
 * One shard's state in one command (so concurrent readers share ioredis's auto-pipeline).
 * KEYS: inventory, lent, pending. Returns {status|false, stock, sold, pendingTickets, inTransit, pendingOrders, oldestPendingMs|false}.
 */
export const READ_SHARD = `
local v = redis.call('HMGET', KEYS[1], 'status', 'stock', 'sold', 'pendingTickets')
local lent = 0
for _, loan in ipairs(redis.call('HVALS', KEYS[2])) do
  local a = string.find(loan, '\\n', 1, true)
  local b = string.find(loan, '\\n', a + 1, true)
  lent = lent + tonumber(string.sub(loan, a + 1, b - 1))
end
local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
return {v[1], tonumber(v[2] or '0'), tonumber(v[3] or '0'), tonumber(v[4] or '0'), lent,
  redis.call('ZCARD', KEYS[3]), oldest[2] or false}
`;
