-- Drops a reservation (handling failed) and frees the license if this delivery held it.
-- KEYS as reserve.lua. ARGV: delivery id.
if redis.call('HGET', KEYS[1], 'state') == 'reserved' then redis.call('DEL', KEYS[1]) end
if #KEYS > 1 and redis.call('HGET', KEYS[2], 'holder') == ARGV[1] then
  redis.call('HDEL', KEYS[2], 'holder', 'until')
end
return 1
