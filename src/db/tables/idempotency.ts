/** Mutations' Idempotency-Key records: what a retry with the same key is answered with. */
import { index, integer, json, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, organizations } from './foundation.js';

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** `user:<id>` or `machine:<id>`: keys are per principal. */
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    /** sha256 of the operation and its variables: the same key for another request is refused. */
    requestHash: text('request_hash').notNull(),
    /** The organization the mutation wrote in (so the change feed tells only its caches). */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    /** The answer sent, once it was complete (json, not jsonb: sent again byte for byte); null between the commit and the answer. */
    response: json('response'),
    status: integer('status'),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
