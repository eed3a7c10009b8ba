import { mapSchema, MapperKind, pruneSchema } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { ADMIN_ROLE } from '../../platform/authorization';
import { setBounded } from '../../platform/bounded-map';
import type { Caller } from '../../platform/caller';
import { isAllowed, type SupergraphSecurity } from './supergraph-rules';

/** Distinct sets of rights remembered per schema; a plant has a few dozen role combinations. */
const CAPACITY = 256;

const bySchema = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

function rightsKey(caller: Caller): string {
  return `${caller.kind}|${[...caller.roles].sort().join(',')}|${[...caller.scopes].sort().join(',')}`;
}

/**
 * The API schema as a caller may use it, for its introspection: a field whose `@authorized` rule
 * (on the field or its type) the caller does not meet is left out, then every type left empty or
 * unreachable. Worked out once per schema and set of rights; an admin gets the schema itself.
 */
export function schemaForCaller(
  apiSchema: GraphQLSchema,
  security: Pick<SupergraphSecurity, 'fieldRules' | 'typeRules'>,
  caller: Caller,
): GraphQLSchema {
  if (caller.roles.includes(ADMIN_ROLE)) return apiSchema;
  let cache = bySchema.get(apiSchema);
  if (!cache) bySchema.set(apiSchema, (cache = new Map()));
  const key = rightsKey(caller);
  const known = cache.get(key);
  if (known) return known;
  const allowed = (typeName: string, fieldName: string) => {
    const typeRule = security.typeRules.get(typeName);
    const fieldRule = security.fieldRules.get(`${typeName}.${fieldName}`);
    return (!typeRule || isAllowed(caller, typeRule)) && (!fieldRule || isAllowed(caller, fieldRule));
  };
  const fieldsKept = mapSchema(apiSchema, {
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) => (allowed(typeName, fieldName) ? config : null),
  });
  const emptyTypesDropped = mapSchema(fieldsKept, {
    [MapperKind.COMPOSITE_TYPE]: (type) => ('getFields' in type && Object.keys(type.getFields()).length === 0 ? null : type),
  });
  const schema = pruneSchema(emptyTypesDropped);
  setBounded(cache, key, schema, CAPACITY);
  return schema;
}
