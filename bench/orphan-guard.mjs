/**
 * Loaded (`--import`) into every server the benchmark starts: exits when the
 * benchmark that started it is gone, so a killed run leaves no server behind.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1000).unref();
