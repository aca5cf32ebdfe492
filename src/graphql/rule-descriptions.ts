/**
 * Each field's access rule, said in its description for introspection.
 * Introspection has no applied directives, so GraphiQL's docs pane, IDEs
 * and registries fed by introspection would not know who may read or call
 * what; the printed SDL (GET /schema.graphql, docs/schema.graphql) keeps the
 * directives themselves and reads descriptions from the SDL's own text, so
 * it is unchanged by this.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { ruleAsWritten } from '../access/rules.js';

/** `Access: @requiresRole(role: OWNER)`, after any description the SDL gives. */
export function ruleSuffix(rule: string): string {
  return `Access: \`${rule}\``;
}

/** Adds every object field's rule to its description, in place; the SDL printed from the schema is not affected. */
export function describeRules(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = ruleAsWritten(schema, type.name, field.name);
      if (rule) field.description = field.description ? `${field.description}\n\n${ruleSuffix(rule)}` : ruleSuffix(rule);
    }
  }
  return schema;
}
