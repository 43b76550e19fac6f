/**
 * The Lua scripts of live serving's lease (see `serveStreams`): each runs atomically in Redis and
 * acts only while the lease holds the caller's name, so an owner that lost its stream can no
 * longer renew, release or write.
 */

/** Extends the lease (KEYS: lease. ARGV: me, ttl ms) while it is ours; 0 otherwise. */
export const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lease (KEYS: lease. ARGV: me) while it is ours; 0 otherwise. */
export const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/**
 * Applies an owner's writes (output frames, snapshots, checkpoint with its acks, end entry) while
 * the lease is ours; 0 otherwise. KEYS: lease, out, model, ckpt, in. ARGV: me, cap, group, nOut, nSnap, nAck, ckptSeq|'', state|'', rate, dropped, end flag, model, model version, then outputs (seq, pcm)…, snapshots (seq, it, w)…, ack ids…
 */
export const WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local nOut, nSnap, nAck = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local i = 14
for _ = 1, nOut do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'seq', ARGV[i], 'pcm', ARGV[i + 1]); i = i + 2
end
for _ = 1, nSnap do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', '64', '*', 'seq', ARGV[i], 'iterations', ARGV[i + 1], 'weights', ARGV[i + 2]); i = i + 3
end
if ARGV[7] ~= '' then
  if ARGV[8] ~= '' then redis.call('HSET', KEYS[4], 'state', ARGV[8], 'rate', ARGV[9], 'model', ARGV[12], 'version', ARGV[13]) end
  redis.call('HSET', KEYS[4], 'seq', ARGV[7], 'dropped', ARGV[10])
end
for _ = 1, nAck do redis.call('XACK', KEYS[5], ARGV[3], ARGV[i]); i = i + 1 end
if ARGV[11] == '1' then redis.call('XADD', KEYS[2], '*', 'end', '1', 'dropped', ARGV[10]) end
return 1`;
