/**
 * Opaque global IDs: base64url of `Type:uuid`. Clients must not parse them;
 * the server checks both halves, so a malformed ID or an ID of the wrong type
 * is a clear BAD_USER_INPUT rather than a database error. Each object has
 * exactly one spelling: the decoder accepts only the canonical encoding
 * (Node's base64url decoder alone would skip stray characters), so what the
 * audit log records as a target is always the ID the server hands out.
 * Which types are Nodes is each feature's to declare (access/scopes.ts).
 */
import { badInput } from '../errors.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

export function parseGlobalId(value: string): { type: string; id: string } | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const [type, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split(':');
  if (rest.length > 0 || !type || !id || !TYPE_NAME.test(type) || !UUID.test(id)) return null;
  // Trailing bits that base64url drops, or any other second spelling, re-encode differently.
  if (toGlobalId(type, id) !== value) return null;
  return { type, id };
}

/**
 * The ID of a row that is not a Node (a membership, a grant), for clients'
 * normalized caches: stable for as long as the pair it joins exists (a role
 * change keeps it; a revoked and regranted role gets the same one back), and
 * never one that `node(id:)` or a scope argument accepts.
 */
export function toCompositeId(type: string, ...ids: string[]): string {
  return Buffer.from([type, ...ids].join(':')).toString('base64url');
}

/** The row id behind a global ID that must be of `type`; `field` names the input for the error. */
export function expectGlobalId(value: string, type: string, field: string): string {
  const parsed = parseGlobalId(value);
  if (!parsed || parsed.type !== type) throw badInput(`${field} is not a valid ${type} ID`, field);
  return parsed.id;
}
