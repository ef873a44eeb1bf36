-- Marks a delivery done and, unless a later event was applied meanwhile, records its time and
-- state as the license's last applied; frees the license if this delivery held it.
-- KEYS as reserve.lua. ARGV: delivery id, occurred at (ms, or empty), state (or empty),
-- retention (ms).
local id, occurred, state, retention = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
redis.call('HSET', KEYS[1], 'state', 'done')
redis.call('HDEL', KEYS[1], 'until')
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], retention) end
if #KEYS > 1 then
  local key = redis.call('HMGET', KEYS[2], 'holder', 'applied')
  if key[1] == id then redis.call('HDEL', KEYS[2], 'holder', 'until') end
  if not occurred or not key[2] or occurred >= tonumber(key[2]) then
    if occurred then redis.call('HSET', KEYS[2], 'applied', ARGV[2]) end
    if state ~= '' then
      redis.call('HSET', KEYS[2], 'state', state)
    else
      redis.call('HDEL', KEYS[2], 'state')
    end
  end
end
return 1
