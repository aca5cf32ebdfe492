/**
 * The audit log (schema/audit.graphql): every change, read by the owners of
 * its organization and the admins of its workspace. Events are written by
 * the mutation runner (src/mutations/), never here.
 */
import { placed } from '../../access/scopes.js';
import type { Feature } from '../feature.js';
import { auditResolvers } from './audit-resolvers.js';

export const audit: Feature = {
  schema: 'audit',
  resolvers: [auditResolvers],
  objects: { AuditEvent: { scopeOf: placed } },
};
