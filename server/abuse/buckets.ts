/**
 * Token buckets kept in memory, one per key (an IP address, a hashed API key). A bucket holds up
 * to `capacity` tokens and gains `capacity` per `windowMs`; a request takes one. So a limit of
 * "N per minute" allows a burst of N, then N a minute.
 *
 * Memory stays bounded: the map is kept in order of last use, and a bucket idle long enough to
 * be full again is dropped (a fresh one is the same thing). Past `maxBuckets` live ones, the
 * least recently used go too — which hands their owners a full bucket again; at the default
 * ceiling that takes more distinct callers within one window than a single instance can serve.
 */
export interface BucketOptions {
  /** Requests allowed per window (also the burst). */
  capacity: number;
  windowMs: number;
  maxBuckets?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #maxBuckets: number;
  readonly #now: () => number;
  #sinceSweep = 0;

  constructor(options: BucketOptions) {
    if (!(options.capacity > 0) || !(options.windowMs > 0)) throw new Error('a token bucket needs a positive capacity and window');
    this.#capacity = options.capacity;
    this.#perMs = options.capacity / options.windowMs;
    this.#maxBuckets = options.maxBuckets ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key`, or says how many whole seconds until one is there. */
  take(key: string): Take {
    const bucket = this.#current(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: this.#wait(bucket) };
  }

  /** Whether `key` has a token, without taking it (null: it has; else the seconds to wait). */
  peek(key: string): number | null {
    const bucket = this.#buckets.get(key);
    if (!bucket) return null;
    const tokens = Math.min(this.#capacity, bucket.tokens + (this.#now() - bucket.at) * this.#perMs);
    return tokens >= 1 ? null : this.#wait({ tokens, at: this.#now() });
  }

  #wait(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  #current(key: string): Bucket {
    const now = this.#now();
    const found = this.#buckets.get(key);
    let bucket: Bucket;
    if (found) {
      this.#buckets.delete(key); // re-inserted below: the map stays in order of last use
      bucket = { tokens: Math.min(this.#capacity, found.tokens + (now - found.at) * this.#perMs), at: now };
    } else {
      bucket = { tokens: this.#capacity, at: now };
    }
    this.#buckets.set(key, bucket);
    if (++this.#sinceSweep >= 1000 || this.#buckets.size > this.#maxBuckets) this.#sweep(now);
    return bucket;
  }

  /** Drops buckets that have refilled (oldest first, so it stops at the first that has not), then the excess. */
  #sweep(now: number): void {
    this.#sinceSweep = 0;
    const fullAfterMs = this.#capacity / this.#perMs;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at < fullAfterMs && this.#buckets.size <= this.#maxBuckets) break;
      this.#buckets.delete(key);
    }
  }
}
