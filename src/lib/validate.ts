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

/** A name inside the catalog (environment): letters, digits, `.`, `_`, `-`. */
export function catalogName(value: string, field = 'name'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw badInput(`${field} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`, field);
  }
  return value;
}

export function packageName(value: string, field = 'name'): string {
  if (!/^[a-z0-9][a-z0-9._+-]{0,99}$/.test(value)) {
    throw badInput(`${field} must be 1 to 100 lower-case letters, digits, '.', '_', '+' or '-', starting with a letter or digit`, field);
  }
  return value;
}

export function packageVersion(value: string, field = 'version'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(value)) {
    throw badInput(`${field} must be 1 to 64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit`, field);
  }
  return value;
}

export const SYSTEMS = ['aarch64-darwin', 'aarch64-linux', 'x86_64-darwin', 'x86_64-linux'] as const;

export function systems(values: readonly string[], field = 'systems'): string[] {
  const unknown = values.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
  if (values.length === 0 || unknown.length > 0 || new Set(values).size !== values.length) {
    throw badInput(`${field} must list one or more distinct systems of ${SYSTEMS.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, field);
  }
  return [...values].sort();
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

/** A document (manifest, definition, tokens...) is a JSON object of at most 256 KiB. */
export function jsonObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput(`${field} must be a JSON object`, field);
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_DOCUMENT_BYTES) throw badInput(`${field} must be at most 256 KiB`, field);
  return value as Record<string, unknown>;
}

/** Any JSON value of at most 256 KiB (a process variable). */
export function jsonValue(value: unknown, field: string): unknown {
  if (value === undefined || Buffer.byteLength(JSON.stringify(value)) > MAX_DOCUMENT_BYTES) {
    throw badInput(`${field} must be a JSON value of at most 256 KiB`, field);
  }
  return value;
}

/** A configuration key or variable name: a letter or `_`, then letters, digits, `_`, `.`, `-`. */
export function key(value: string, field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/.test(value)) {
    throw badInput(`${field} must be 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or '_'`, field);
  }
  return value;
}

export function text(value: string, field: string, max: number): string {
  if (value.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return value;
}

export function description(value: string | null | undefined, field = 'description', max = 1000): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return trimmed === '' ? null : trimmed;
}

/** Where a media item or font is: an https URL of at most 2000 characters. */
export function httpsUrl(value: string, field = 'source'): string {
  let url: URL | null = null;
  try {
    url = value.length <= 2000 ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (url?.protocol !== 'https:') throw badInput(`${field} must be an https URL of at most 2000 characters`, field);
  return value;
}

/** A media type such as `image/png`. */
export function contentType(value: string, field = 'contentType'): string {
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i.test(value)) throw badInput(`${field} must be a media type like image/png`, field);
  return value.toLowerCase();
}

/** A cron expression of five fields (minute hour day month weekday), each digits and `*`, `/`, `,`, `-`. */
export function cronSchedule(value: string, field = 'schedule'): string {
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => /^[0-9*/,-]{1,40}$/.test(f))) {
    throw badInput(`${field} must be a cron expression of five fields (minute hour day month weekday)`, field);
  }
  return fields.join(' ');
}
