/**
 * Structured logs (pino, JSON lines). Every line about a request carries its
 * request id, the same one a masked error shows the client. Tokens and
 * secrets are never logged: the Authorization header is redacted.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'orgraph' },
    redact: { paths: ['req.headers.authorization', '*.authorization', '*.token'], censor: '[redacted]' },
  });
}
