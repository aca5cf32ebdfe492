/**
 * Stands in for src/access/directives.ts in the "@requiresRole off"
 * process of the benchmark. It runs the real transformer, so the schema is
 * validated exactly as in production (deny by default, one rule per field),
 * then puts the original resolvers back on every field except the Mutation
 * root's: reads run without any access check, while mutations (used to seed
 * an in-memory database) keep their transaction and role check.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { applyAccessRules as withRules } from '../src/access/directives.js';
import type { AccessContext, AccessEngine } from '../src/access/engine.js';

export function applyAccessRules<C extends AccessContext>(schema: GraphQLSchema, engine: AccessEngine<C>): GraphQLSchema {
  const guarded = withRules(schema, engine);
  const mutation = guarded.getMutationType()?.name;
  console.error('[bench] read access checks are off in this process (bench/without-read-rules.ts)');
  return mapSchema(guarded, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (typeName === mutation) return field;
      const type = schema.getType(typeName);
      const original = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      return { ...field, resolve: original?.resolve };
    },
  });
}
