-- Reserves a delivery, atomically: the rule of `decide` in memory.rs.
-- KEYS[1] the delivery's hash; KEYS[2] (when the event names a license) the license's hash.
-- ARGV: delivery id, now (ms), lease end (ms), retention (ms), occurred at (ms, or empty).
-- Returns {outcome, detail}: {'reserved', previous state or ''}, {'done', ''}, {'busy', ''}
-- or {'stale', last applied (ms)}.
local id, now, lease_end, retention = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local occurred = tonumber(ARGV[5])
local held = redis.call('HMGET', KEYS[1], 'state', 'until')
if held[1] == 'done' then return {'done', ''} end
if held[1] == 'reserved' and tonumber(held[2]) > now then return {'busy', ''} end
local previous = ''
if #KEYS > 1 then
  local key = redis.call('HMGET', KEYS[2], 'holder', 'until', 'applied', 'state')
  if key[1] and key[1] ~= id and tonumber(key[2]) > now then return {'busy', ''} end
  if occurred and key[3] and occurred < tonumber(key[3]) then return {'stale', key[3]} end
  previous = key[4] or ''
  redis.call('HSET', KEYS[2], 'holder', id, 'until', lease_end)
end
redis.call('HSET', KEYS[1], 'state', 'reserved', 'until', lease_end)
redis.call('PEXPIRE', KEYS[1], retention)
return {'reserved', previous}
