/**
 * The part of autocannon's API the benchmark uses (the package ships no
 * types, and the benchmark adds no dependency beyond autocannon itself).
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Seconds; ignored when `amount` is set. */
      duration?: number;
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Sent in turn by each connection, in place of `headers` and `body`. */
      requests?: { headers?: Record<string, string>; body?: string; method?: string; path?: string }[];
      /** Every response body must equal this string; others count as `mismatches`. */
      expectBody?: string;
      timeout?: number;
      pipelining?: number;
    }
    interface Histogram {
      average: number;
      mean: number;
      min: number;
      max: number;
      p50: number;
      p99: number;
      total: number;
      sent?: number;
    }
    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      requests: Histogram;
      latency: Histogram & { totalCount: number };
      throughput: Histogram;
    }
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
