/** Input checks shared by the features; each failure names its field. */
import { badInput } from '../errors.js';

const SLUG = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,39}$/;

export function slug(value: string, field = 'slug'): string {
  if (!SLUG.test(value)) {
    throw badInput(`${field} must be 2 to 40 lower-case letters, digits or single hyphens, starting and ending with a letter or digit`, field);
  }
  return value;
}

export function displayName(value: string, field = 'name', max = 100): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max || /\p{Cc}/u.test(trimmed)) {
    throw badInput(`${field} must be 1 to ${max} printable characters`, field);
  }
  return trimmed;
}

/** An identifier issued by the identity provider (a subject, a client id, an organization id). */
export function providerId(value: string, field: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) throw badInput(`${field} must be 1 to 255 visible ASCII characters`, field);
  return value;
}

export function email(value: string, field = 'userEmail'): string {
  const trimmed = value.trim();
  if (trimmed.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(trimmed)) throw badInput(`${field} is not an email address`, field);
  return trimmed;
}
