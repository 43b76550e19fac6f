import { AdamaxStreamError } from '../core/errors.js';

/** BullMQ connection options for a `redis://host:port[/db]` URL (the URL is checked first). */
export function redisConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AdamaxStreamError('invalid_argument', `Not a Redis URL: ${url}. Allowed: redis://HOST:PORT[/DB].`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new AdamaxStreamError('invalid_argument', `Not a Redis URL: ${url}. Allowed: redis://HOST:PORT[/DB].`);
  }
  // Commands wait through a reconnect (Redis restart) instead of failing after a few retries.
  return { url, maxRetriesPerRequest: null };
}
