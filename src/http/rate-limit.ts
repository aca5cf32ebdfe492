/**
 * Per-principal rate limits: token buckets of requests and of query cost,
 * per principal (a user, a machine client) or, for anonymous callers, per
 * client address, in each process. A bucket holds up to a minute's
 * allowance and refills continuously, so bursts pass and only sustained
 * excess is refused (HTTP 429 with Retry-After, code RATE_LIMITED). Memory is
 * bounded: a bucket not touched for long is full again, so the least
 * recently used ones can be dropped without favouring anyone.
 */
import type { Principal } from '../identity/principal.js';
import { rateLimited } from '../errors.js';

export interface RateLimitSettings {
  /** Requests per principal per minute; the bucket holds as many. */
  requestsPerMinute: number;
  /** Query cost per principal per minute (see cost.ts); the bucket holds as much. */
  costPerMinute: number;
}

interface Bucket {
  requests: number;
  cost: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly onRefused: (bucket: 'requests' | 'cost') => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the key's bucket, or throws RATE_LIMITED. */
  takeRequest(key: string): void {
    this.take(key, 'requests', 1, this.settings.requestsPerMinute);
  }

  /** Takes an operation's cost, or throws RATE_LIMITED; a cost larger than the whole allowance is refused outright. */
  takeCost(key: string, cost: number): void {
    this.take(key, 'cost', cost, this.settings.costPerMinute);
  }

  private take(key: string, kind: 'requests' | 'cost', amount: number, perMinute: number): void {
    const bucket = this.refilled(key);
    if (bucket[kind] >= amount) {
      bucket[kind] -= amount;
      return;
    }
    this.onRefused(kind);
    const missing = Math.min(amount, perMinute) - bucket[kind];
    throw rateLimited(kind === 'requests' ? 'requests' : 'expensive queries', Math.max(1, Math.ceil((missing / perMinute) * 60)));
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const { requestsPerMinute, costPerMinute } = this.settings;
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // most recently used last
      const minutes = (now - bucket.at) / 60_000;
      bucket.requests = Math.min(requestsPerMinute, bucket.requests + minutes * requestsPerMinute);
      bucket.cost = Math.min(costPerMinute, bucket.cost + minutes * costPerMinute);
      bucket.at = now;
    } else {
      bucket = { requests: requestsPerMinute, cost: costPerMinute, at: now };
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}

/** Whose allowance a request spends: the principal's, or its client address's when it has none. */
export function rateKeyOf(principal: Principal, clientAddress: string | undefined): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'machine':
      return `machine:${principal.machineClientId}`;
    case 'anonymous':
      return `address:${clientAddress ?? 'unknown'}`;
  }
}
