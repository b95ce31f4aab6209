// One file over ~300 lines on purpose: every script embeds the shared LIFECYCLE Lua, and each is read against the
// others and against its mirror in in-memory.ts.
/**
 * Lua scripts of the space. Each runs atomically inside Redis, so check-and-take can never
 * interleave with another buyer: this is what makes oversell impossible. Kept as string
 * constants because bundlers do not ship `.lua` files; loaded with `defineCommand`
 * (EVALSHA, with a fallback to EVAL on NOSCRIPT).
 */

/**
 * Lua shared by the scripts that change an order's status. Every change bumps the order's
 * version and queues the new version for the writer: the pending set's members are
 * `orderId#version`, so the writer's confirmation of an older version never clears a newer one.
 * `returnTickets` gives an order's tickets back to the customer's limit, and to sale once the change is durable
 * (`credit`: the publisher's success or the writer's confirmation).
 */
const LIFECYCLE = `
-- The space's own clock: every hold deadline and expiry is judged by the one clock all API processes share, so a
-- process whose clock is off can neither lengthen nor shorten a hold.
local function spaceNow()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Epoch ms as ISO 8601 UTC (days to civil date: H. Hinnant's algorithm), as JavaScript's toISOString writes it.
local function isoOf(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local rem = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d, math.floor(rem / 3600),
    math.floor(rem / 60) % 60, rem % 60, ms % 1000)
end
local function queue(inv, pending, o, nowMs)
  local q = tonumber(o['quantity'])
  local v = tonumber(o['version'] or 1)
  if v > 1 and redis.call('ZREM', pending, o['id'] .. '#' .. (v - 1)) == 1 then
    redis.call('HINCRBY', inv, 'pendingTickets', -q)
  end
  if redis.call('ZADD', pending, nowMs, o['id'] .. '#' .. v) == 1 then
    redis.call('HINCRBY', inv, 'pendingTickets', q)
  end
end
-- Every version the space makes names the shard's generation, so the writer can tell one a rebuild has
-- since replaced (see projectBatch).
local function stamp(inv, o)
  o['generation'] = redis.call('HGET', inv, 'gen') or 'preload'
end
local function bump(o, status, nowIso)
  o['status'] = status
  o['version'] = tonumber(o['version'] or 1) + 1
  o['updatedAt'] = nowIso
end
-- Tickets given back are not for sale until the change that gave them back is durable (in the pump, or persisted):
-- until then they are "releasing", recorded per order in the inventory ('rel:<orderId>'). Sold again at once, and the
-- space then lost before the change reached the pump, DynamoDB would still count the old order live beside the new
-- one: an oversell. credit() puts them on sale, once, when the caller's publish or the writer's confirmation says so.
local function returnTickets(inv, cust, o, reopen, reason)
  local q = tonumber(o['quantity'])
  if reopen then
    redis.call('HINCRBY', inv, 'releasing', q)
    redis.call('HINCRBY', inv, 'rel:' .. o['id'], q)
  end
  redis.call('HINCRBY', inv, reason, q)
  local left = tonumber(redis.call('HGET', cust, o['customerId']) or '0') - q
  if left > 0 then redis.call('HSET', cust, o['customerId'], left) else redis.call('HDEL', cust, o['customerId']) end
end
local function credit(inv, id)
  local q = tonumber(redis.call('HGET', inv, 'rel:' .. id) or '0')
  if q <= 0 then return 0 end
  redis.call('HDEL', inv, 'rel:' .. id)
  redis.call('HINCRBY', inv, 'releasing', -q)
  redis.call('HINCRBY', inv, 'stock', q)
  return q
end
local function expire(inv, cust, orders, pending, holds, o, nowMs, nowIso)
  redis.call('ZREM', holds, o['id'])
  redis.call('HINCRBY', inv, 'held', -tonumber(o['quantity']))
  returnTickets(inv, cust, o, true, 'expired')
  bump(o, 'expired', nowIso)
  stamp(inv, o)
  local json = cjson.encode(o)
  redis.call('HSET', orders, o['id'], json)
  queue(inv, pending, o, nowMs)
  return json
end
-- The caller saw this shard at (expectGen, expectSeq): within one generation the sequence only grows, so a shard
-- behind it went back in time (a replica promoted without the last writes). Another generation means a rebuild.
local function wentBack(inv, expectGen, expectSeq)
  if expectGen == '' then return false end
  local v = redis.call('HMGET', inv, 'gen', 'seq')
  return (v[1] or '') == expectGen and tonumber(v[2] or '0') < tonumber(expectSeq)
end
-- Stops sales until a rebuild recounts the shard from DynamoDB (a frozen shard answers rehydrating).
local function regressed(inv, why)
  redis.call('HSET', inv, 'status', 'frozen', 'regressed', why)
end
-- Holds past their deadline go back to sale, a batch at a time, before anything else reads the stock.
local function reclaim(inv, cust, orders, pending, holds, nowMs, nowIso, limit, out)
  local ids = redis.call('ZRANGEBYSCORE', holds, '-inf', nowMs, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local json = redis.call('HGET', orders, id)
    local o = json and cjson.decode(json)
    if o and o['status'] == 'held' then
      table.insert(out, expire(inv, cust, orders, pending, holds, o, nowMs, nowIso))
    else
      redis.call('ZREM', holds, id)
    end
  end
  return #ids
end
`;

/**
 * KEYS: inventory, customers, idempotency, orders, pending, timeline, holds
 * ARGV: idempotencyField, fingerprint, customerId, quantity, orderJson, orderId, (unused), timelineBucketMs,
 *       holdMs (how long the hold lasts; 0: confirmed at once), (unused), reclaimLimit, expectGen, expectSeq (the highest this caller saw
 *       for the shard; '' for none), touchOnReplay ('1': write on a replay so WAIT covers the take it found)
 * Returns {outcome, a, b, gen, seq, expired…}: ok(json) | replay(json, pending 0/1) | reused | missing | rehydrating
 * | regressed | not_on_sale | limit(allowed) | short(stock) | reclaiming; then the shard's generation and sequence,
 * then the JSON of every hold this call expired. The order's createdAt and hold deadline are stamped by the space's clock.
 */
export const TAKE_TICKETS = `${LIFECYCLE}
local inv, cust, idem, orders, pending, timeline, holds = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local nowMs = spaceNow()
local nowIso = isoOf(nowMs)
local status = redis.call('HGET', inv, 'status')
if not status then return {'missing', false, false, false, false} end
local expired = {}
local function reply(r)
  local v = redis.call('HMGET', inv, 'gen', 'seq')
  table.insert(r, v[1] or '')
  table.insert(r, tonumber(v[2] or '0'))
  for _, e in ipairs(expired) do table.insert(r, e) end
  return r
end
local prior = redis.call('HGET', idem, ARGV[1])
if prior then
  local sep = string.find(prior, '\\n', 1, true)
  if string.sub(prior, 1, sep - 1) ~= ARGV[2] then return reply({'reused', false, false}) end
  local oid = string.sub(prior, sep + 1)
  local json = redis.call('HGET', orders, oid) or ''
  local v = json ~= '' and (cjson.decode(json)['version'] or 1) or 1
  local pend = redis.call('ZSCORE', pending, oid .. '#' .. v) and 1 or 0
  if ARGV[14] == '1' then redis.call('HINCRBY', inv, 'replays', 1) end
  return reply({'replay', json, pend})
end
if wentBack(inv, ARGV[12], ARGV[13]) then
  regressed(inv, 'take:' .. ARGV[12] .. ':' .. ARGV[13])
  return reply({'regressed', false, false})
end
if status == 'frozen' then return reply({'rehydrating', false, false}) end
if status ~= 'on_sale' then return reply({'not_on_sale', false, false}) end
local limit = tonumber(ARGV[11])
local swept = reclaim(inv, cust, orders, pending, holds, nowMs, nowIso, limit, expired)
local qty = tonumber(ARGV[4])
local max = tonumber(redis.call('HGET', inv, 'max'))
local had = tonumber(redis.call('HGET', cust, ARGV[3]) or '0')
if had + qty > max then return reply({'limit', max - had, false}) end
local stock = tonumber(redis.call('HGET', inv, 'stock'))
if stock < qty then
  -- More lapsed holds than one batch: the caller asks again rather than refuse a buyer too soon.
  if swept == limit then return reply({'reclaiming', false, false}) end
  return reply({'short', stock, false})
end
redis.call('HINCRBY', inv, 'stock', -qty)
local sold = redis.call('HINCRBY', inv, 'sold', qty)
redis.call('HINCRBY', inv, 'seq', 1)
redis.call('HSET', cust, ARGV[3], had + qty)
local order = cjson.decode(ARGV[5])
order['soldAfter'] = sold
order['createdAt'] = nowIso
local holdMs = tonumber(ARGV[9])
if holdMs > 0 then
  local holdUntil = nowMs + holdMs
  order['holdExpiresAt'] = isoOf(holdUntil)
  redis.call('ZADD', holds, holdUntil, ARGV[6])
  redis.call('HINCRBY', inv, 'held', qty)
end
stamp(inv, order)
local json = cjson.encode(order)
redis.call('HSET', idem, ARGV[1], ARGV[2] .. '\\n' .. ARGV[6])
redis.call('HSET', orders, ARGV[6], json)
queue(inv, pending, order, nowMs)
local bucketMs = tonumber(ARGV[8])
redis.call('HINCRBY', timeline, math.floor(nowMs / bucketMs) * bucketMs, qty)
return reply({'ok', json, false})
`;

/**
 * Expires lapsed holds without a purchase: what availability reads and the sweeper run.
 * KEYS: inventory, customers, orders, pending, holds. ARGV: (unused), (unused), limit. Returns the expired orders' JSON.
 */
export const RECLAIM_HOLDS = `${LIFECYCLE}
if redis.call('HGET', KEYS[1], 'status') ~= 'on_sale' then return {} end
local out = {}
local nowMs = spaceNow()
reclaim(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], nowMs, isoOf(nowMs), tonumber(ARGV[3]), out)
return out
`;

/**
 * One order's change of status, checked against its current one in the same step.
 * KEYS: inventory, customers, orders, pending, holds.
 * ARGV: orderId, action (confirm | cancel | refund | note), (unused), (unused), paymentRef, note. The space's clock decides
 * whether a hold has lapsed.
 * Returns {outcome, json}: changed | already (the action had been done) | the order's status when the
 * action does not apply to it (a lapsed hold is expired first, so late money sees 'expired')
 * | missing | rehydrating.
 */
export const CHANGE_ORDER = `${LIFECYCLE}
local inv, cust, orders, pending, holds = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local action, nowMs = ARGV[2], spaceNow()
local nowIso = isoOf(nowMs)
local json = redis.call('HGET', orders, ARGV[1])
if not json then return {'missing'} end
local shardStatus = redis.call('HGET', inv, 'status')
if shardStatus == 'frozen' then return {'rehydrating'} end
local o = cjson.decode(json)
if o['status'] == 'held' then
  local deadline = tonumber(redis.call('ZSCORE', holds, o['id']) or '0')
  if deadline <= nowMs then json = expire(inv, cust, orders, pending, holds, o, nowMs, nowIso) end
end
local function save()
  stamp(inv, o)
  json = cjson.encode(o)
  redis.call('HSET', orders, o['id'], json)
  queue(inv, pending, o, nowMs)
  return {'changed', json}
end
if action == 'confirm' then
  if o['status'] == 'confirmed' then return {'already', json} end
  if o['status'] ~= 'held' then return {o['status'], json} end
  redis.call('ZREM', holds, o['id'])
  redis.call('HINCRBY', inv, 'held', -tonumber(o['quantity']))
  bump(o, 'confirmed', nowIso)
  if ARGV[5] ~= '' then o['paymentRef'] = ARGV[5] end
  return save()
elseif action == 'cancel' then
  if o['status'] == 'cancelled' then return {'already', json} end
  if o['status'] ~= 'held' then return {o['status'], json} end
  redis.call('ZREM', holds, o['id'])
  redis.call('HINCRBY', inv, 'held', -tonumber(o['quantity']))
  returnTickets(inv, cust, o, true, 'cancelled')
  bump(o, 'cancelled', nowIso)
  return save()
elseif action == 'refund' then
  if o['status'] == 'refunded' then return {'already', json} end
  if o['status'] ~= 'confirmed' then return {o['status'], json} end
  -- Back on sale only while the show is: after it, a refund frees nothing anyone could buy.
  returnTickets(inv, cust, o, shardStatus == 'on_sale', 'refunded')
  bump(o, 'refunded', nowIso)
  return save()
elseif action == 'note' then
  if o['note'] == ARGV[6] then return {'already', json} end
  o['note'] = ARGV[6]
  o['version'] = tonumber(o['version'] or 1) + 1
  o['updatedAt'] = nowIso
  return save()
end
return {'unknown_action'}
`;

/**
 * Moves stock out of a donor shard, recording the loan in the donor's slot so a crash before
 * the credit is recovered by the sweeper rather than losing tickets. The loan carries the show's
 * generation (set by the preload, renewed by every rebuild): see CREDIT_STOCK.
 * KEYS: donor inventory, donor lent. ARGV: want, transferId, toShard, nowMs. Returns {count lent, generation, sequence}.
 */
export const LEND_STOCK = `
if redis.call('HGET', KEYS[1], 'status') ~= 'on_sale' then return {0, ''} end
local stock = tonumber(redis.call('HGET', KEYS[1], 'stock'))
local n = math.min(stock, tonumber(ARGV[1]))
if n <= 0 then return {0, ''} end
local gen = redis.call('HGET', KEYS[1], 'gen') or ''
redis.call('HINCRBY', KEYS[1], 'stock', -n)
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '\\n' .. n .. '\\n' .. ARGV[4] .. '\\n' .. gen)
return {n, gen, seq}
`;

/**
 * Credits a loan to the receiving shard once, whoever (buyer or sweeper) delivers it, and only in
 * the generation it was lent in: a rebuild recounts every shard's stock from the orders, so a loan
 * lent before it and credited after would add its tickets twice.
 * KEYS: inventory, received. ARGV: transferId, count, generation. Returns 1 when credited now, 0 when
 * already, -1 when the shard is gone or was rebuilt since (the loan is void).
 */
export const CREDIT_STOCK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if (redis.call('HGET', KEYS[1], 'gen') or '') ~= ARGV[3] then return -1 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'stock', tonumber(ARGV[2]))
return 1
`;

/**
 * The writer confirms the order versions it persisted; ZREM of `orderId#version` makes a
 * redelivered confirmation a no-op and leaves a newer version pending. An order DynamoDB now holds
 * that the shard does not (or holds at an older version) means the shard went back in time: the
 * space lost writes it had acknowledged (a failover to a replica that missed them). The shard is
 * frozen and flagged, so the next take (or the sweeper) rebuilds it from DynamoDB after the pump drains.
 * KEYS: inventory, pending, orders. ARGV: orderId#version, quantity, … Returns versions confirmed now.
 */
export const CONFIRM_PERSISTED = `${LIFECYCLE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'pendingTickets', -tonumber(ARGV[i + 1]))
    n = n + 1
    -- The order's current version is persisted: tickets it gave back go on sale (if its publisher has not already).
    credit(KEYS[1], string.sub(ARGV[i], 1, string.find(ARGV[i], '#', 1, true) - 1))
  else
    local sep = string.find(ARGV[i], '#', 1, true)
    local json = redis.call('HGET', KEYS[3], string.sub(ARGV[i], 1, sep - 1))
    local have = json and tonumber(string.match(json, '"version":(%d+)') or '1') or 0
    if have < tonumber(string.sub(ARGV[i], sep + 1)) then regressed(KEYS[1], 'writer:' .. ARGV[i]) end
  end
end
return n
`;

/**
 * Puts on sale the tickets the given orders gave back, once each: their change is in the pump now (its publish
 * succeeded), so a rebuild would count it. KEYS: inventory. ARGV: order ids. Returns tickets put on sale.
 */
export const CREDIT_RELEASED = `${LIFECYCLE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = 0
for i = 1, #ARGV do n = n + credit(KEYS[1], ARGV[i]) end
return n
`;

/**
 * Loads a fresh shard only when absent, so a repeated preload never resets a sale in progress.
 * KEYS: inventory. ARGV: stock, max, shard. Returns 1 when loaded, 0 when it was there.
 */
export const LOAD_SHARD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'stock', ARGV[1], 'sold', 0, 'held', 0, 'expired', 0, 'cancelled', 0, 'refunded', 0, 'pendingTickets', 0, 'max', ARGV[2], 'shard', ARGV[3], 'status', 'on_sale', 'gen', 'preload')
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
 * KEYS: inventory, lent, pending, holds. Returns {status|false, stock, sold, pendingTickets, inTransit, pendingOrders,
 * oldestPendingMs|false, held, expired, cancelled, refunded, nextHoldDeadlineMs|false, the space's clock (epoch ms),
 * releasing}.
 */
export const READ_SHARD = `
local v = redis.call('HMGET', KEYS[1], 'status', 'stock', 'sold', 'pendingTickets', 'held', 'expired', 'cancelled',
  'refunded', 'releasing')
local lent = 0
for _, loan in ipairs(redis.call('HVALS', KEYS[2])) do
  local a = string.find(loan, '\\n', 1, true)
  local b = string.find(loan, '\\n', a + 1, true)
  lent = lent + tonumber(string.sub(loan, a + 1, b - 1))
end
local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
local nextHold = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {v[1], tonumber(v[2] or '0'), tonumber(v[3] or '0'), tonumber(v[4] or '0'), lent,
  redis.call('ZCARD', KEYS[3]), oldest[2] or false, tonumber(v[5] or '0'), tonumber(v[6] or '0'), tonumber(v[7] or '0'),
  tonumber(v[8] or '0'), nextHold[2] or false, now, tonumber(v[9] or '0')}
`;

/**
 * Frees a finished show's shard once nothing of it lives only here: every order's current version persisted (the
 * pending set empty), no hold left to lapse, no loan in transit. Checked and deleted in one step, so a change made
 * meanwhile keeps the shard for the next try. KEYS: inventory, customers, idempotency, orders, pending, lent,
 * received, timeline, holds. Returns 1 when freed (or already gone), 0 when it must wait.
 */
export const ARCHIVE_SHARD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
if redis.call('ZCARD', KEYS[5]) > 0 or redis.call('HLEN', KEYS[6]) > 0 or redis.call('ZCARD', KEYS[9]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
return 1
`;

/**
 * The show's rebuild lock, refused for good once the show is archived (a finished show is never put back).
 * KEYS: lock, archived. ARGV: token, ttlMs. Returns 'OK' | 'held' | 'archived'.
 */
export const ACQUIRE_LOCK = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'archived' end
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 'OK' end
return 'held'
`;
