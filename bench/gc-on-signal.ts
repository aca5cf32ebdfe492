/**
 * Loaded (`--expose-gc --import`) into the RSS drift run's Orgraph: SIGUSR2
 * runs a full garbage collection, so that memory readings compare live data
 * rather than garbage V8 has not collected yet. (Without --expose-gc the
 * signal is ignored rather than ending the process.)
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => gc?.());
