/**
 * Postgres WAL positions (`pg_lsn`, written `16/B374D848`): the consistency
 * tokens clients send back, and what replicas report having replayed.
 */
const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The position as a number that orders like the WAL, or null when `text` is not an LSN. */
export function parseLsn(text: string | null | undefined): bigint | null {
  const match = text ? LSN.exec(text.trim()) : null;
  return match ? (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`) : null;
}
