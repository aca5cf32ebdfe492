/**
 * What every benchmark server process does around its own work: it tells
 * the bench where it listens (the line `startProcess` waits for), stops on
 * SIGTERM, and exits non-zero when it cannot start, so that the bench reports
 * it instead of waiting for it.
 */
export function serve(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  start().then(
    (started) => {
      console.log(`BENCH_READY ${started.url}`);
      process.on('SIGTERM', () => {
        started.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    },
    (error: unknown) => {
      console.error(`${name} failed:`, error);
      process.exit(1);
    },
  );
}
