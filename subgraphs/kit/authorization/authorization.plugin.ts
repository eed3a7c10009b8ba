import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { describeRules, isAllowed, type AuthorizationRule, type Rights } from '../../../platform/authorization';
import type { Caller } from '../../../platform/caller';
import { userError } from '../errors';
import { readSchemaRules, type SchemaRules } from './schema-rules';

/** A selected field that is under a rule. */
interface Guarded {
  readonly coordinate: string;
  readonly rules: readonly AuthorizationRule[];
}

const NO_RIGHTS: Rights = Object.freeze({ kind: 'user', roles: [], scopes: [] });

/** The guarded fields an operation selects at any depth, fragments expanded; found once per parsed operation. */
function guardedFields(schema: GraphQLSchema, rules: SchemaRules, document: DocumentNode, operation: OperationDefinitionNode): Guarded[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found = new Map<string, Guarded>();
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const coordinate = `${parent.name}.${field.name}`;
        const applying = rules.get(coordinate);
        if (applying) found.set(coordinate, { coordinate, rules: applying });
        if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type) as GraphQLCompositeType);
        continue;
      }
      let fragment: InlineFragmentNode | FragmentDefinitionNode | undefined;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        // A fragment spread under two parents walks once per parent type.
        const key = `${selection.name.value}@${parent.name}`;
        fragment = visited.has(key) ? undefined : fragments.get(selection.name.value);
        visited.add(key);
      } else {
        fragment = selection;
      }
      if (!fragment) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      if (condition && isCompositeType(condition)) walk(fragment.selectionSet, condition);
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root);
  return [...found.values()];
}

/**
 * The owning subgraph's check of the `@authorized` rules in its own schema, the same declarations
 * the gateway enforces from the supergraph. A request whose signed caller lacks the rights for any
 * field it selects (a mutation above all) is refused with `FORBIDDEN` before any resolver runs, so
 * a subgraph reached with the valid header of a lesser caller changes and reveals nothing.
 */
export function authorizationPlugin<TContext extends BaseContext>(schema: GraphQLSchema): ApolloServerPlugin<TContext> {
  const rules = readSchemaRules(schema);
  const mutationPrefix = `${schema.getMutationType()?.name ?? 'Mutation'}.`;
  // Apollo Server parses a query text once and hands every request the same nodes.
  const byOperation = new WeakMap<OperationDefinitionNode, readonly Guarded[]>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || rules.size === 0) return;
          let guarded = byOperation.get(operation);
          if (!guarded) byOperation.set(operation, (guarded = guardedFields(schema, rules, document, operation)));
          if (!guarded.length) return;
          const rights = (contextValue as { caller?: Caller }).caller ?? NO_RIGHTS;
          const denied = guarded.find((g) => !g.rules.every((rule) => isAllowed(rights, rule)));
          if (!denied) return;
          // Roles come from a signed header, but a message quotes only a short prefix of what arrived.
          const held = rights.roles.length
            ? `roles ${rights.roles
                .slice(0, 5)
                .map((r) => r.slice(0, 40))
                .join(', ')}`
            : 'no role';
          const verb = denied.coordinate.startsWith(mutationPrefix) ? 'run' : 'read';
          throw userError(
            'FORBIDDEN',
            `not allowed to ${verb} ${denied.coordinate}: it needs ${describeRules(denied.rules)}; the caller has ${held}`,
            {
              field: denied.coordinate,
              http: { status: 403 },
            },
          );
        },
      };
    },
  };
}
