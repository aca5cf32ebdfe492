/** Global IDs and cursors as a client (or an attacker) spells them. */
import { randomUUID } from 'node:crypto';

/** The global ID of a `type` row: base64url of `<type>:<id>`. */
export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

/** A well-formed global ID of a `type` that names nothing. */
export const missingId = (type: string) => globalId(type, randomUUID());

/** The row id behind a global ID, for checks in SQL (clients never do this). */
export const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!;

/** A cursor as the server writes one: base64url of the JSON of its key. */
export const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The nodes of a connection, in order. */
export const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);
