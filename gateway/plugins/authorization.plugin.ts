import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  execute,
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  print,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Caller } from '../../platform/caller';
import { replaceOperationDocument, replaceValidationErrors } from '../apollo-internals';
import { callerOf, isPartnerCaller } from '../security/caller';
import { gatewayError } from '../security/errors';
import { describeRule, isAllowed, type AuthorizationRule, type SupergraphSecurity } from '../security/supergraph-rules';
import { schemaForCaller } from '../security/caller-schema';

export interface AuthorizationOptions {
  /** The rules of the supergraph being served; re-read on every supergraph update. */
  rules: () => SupergraphSecurity | undefined;
}

/** Response key of the `__typename` put where removing fields would leave a selection empty. */
const FILLER_ALIAS = '__plantgraph_removed';

interface Segment {
  key: string;
  type: GraphQLOutputType;
}

interface Removed {
  segments: Segment[];
  coordinate: string;
  rule: AuthorizationRule;
}

type Denial = AuthorizationRule | undefined;

function denial(security: SupergraphSecurity, caller: Caller, typeName: string, fieldName: string): Denial {
  if (fieldName.startsWith('__')) return undefined;
  const typeRule = security.typeRules.get(typeName);
  if (typeRule && !isAllowed(caller, typeRule)) return typeRule;
  const fieldRule = security.fieldRules.get(`${typeName}.${fieldName}`);
  if (fieldRule && !isAllowed(caller, fieldRule)) return fieldRule;
  return undefined;
}

/**
 * Every selected field the caller may not read, with its response path (fragments expanded), in
 * time linear in the document: a fragment's denials are found once and prefixed where it is
 * spread, and the same path reached twice (a fragment spread twice) is kept once.
 */
function findDenied(
  schema: GraphQLSchema,
  security: SupergraphSecurity,
  caller: Caller,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): Removed[] {
  const memo = new Map<string, Removed[] | 'walking'>();
  const inFragment = (name: string): Removed[] => {
    const known = memo.get(name);
    if (known) return known === 'walking' ? [] : known;
    const fragment = fragments[name];
    const condition = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!condition || !isCompositeType(condition)) return [];
    memo.set(name, 'walking');
    const found = walk(fragment.selectionSet, condition);
    memo.set(name, found);
    return found;
  };
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): Removed[] => {
    const found = new Map<string, Removed>();
    const add = (prefix: Segment | undefined, inner: readonly Removed[]) => {
      for (const r of inner) {
        const segments = prefix ? [prefix, ...r.segments] : r.segments;
        const key = segments.map((s) => s.key).join('.');
        if (!found.has(key)) found.set(key, { ...r, segments });
      }
    };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (!field) continue;
        const segment = { key: (selection.alias ?? selection.name).value, type: field.type };
        const rule = denial(security, caller, parent.name, name);
        if (rule) add(undefined, [{ segments: [segment], coordinate: `${parent.name}.${name}`, rule }]);
        else if (selection.selectionSet) add(segment, walk(selection.selectionSet, getNamedType(field.type) as GraphQLCompositeType));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (condition && isCompositeType(condition)) add(undefined, walk(selection.selectionSet, condition));
      } else {
        add(undefined, inFragment(selection.name.value));
      }
    }
    return [...found.values()];
  };
  const root = schema.getRootType(operation.operation);
  return root ? walk(operation.selectionSet, root) : [];
}

/** The document without the denied fields; a selection left empty keeps a `__typename` filler field (GraphQL forbids empty selections). */
function withoutDenied(schema: GraphQLSchema, security: SupergraphSecurity, caller: Caller, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const filler: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: FILLER_ALIAS },
    name: { kind: Kind.NAME, value: '__typename' },
  };
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && denial(security, caller, parent.name, node.name.value)) return null;
        return undefined;
      },
      SelectionSet: {
        leave(node) {
          return node.selections.length ? undefined : { ...node, selections: [filler] };
        },
      },
    }),
  );
}

/** Nulls one removed field in the response, propagating to the nearest nullable parent as GraphQL does; returns the first path. */
function nullOut(data: Record<string, unknown>, segments: Segment[]): { path: (string | number)[]; rootNulled: boolean } {
  let first: (string | number)[] | undefined;
  const inList = (value: unknown, type: GraphQLOutputType, index: number, path: (string | number)[]): boolean => {
    const nullable = getNullableType(type);
    if (value === null || value === undefined) return false;
    if (isListType(nullable)) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) {
        if (inList(items[i], nullable.ofType, index, [...path, i])) {
          if (isNonNullType(nullable.ofType)) return true;
          items[i] = null;
        }
      }
      return false;
    }
    return inObject(value as Record<string, unknown>, index + 1, path);
  };
  const inObject = (object: Record<string, unknown>, index: number, path: (string | number)[]): boolean => {
    const segment = segments[index]!;
    const here = [...path, segment.key];
    let mustNull: boolean;
    if (index === segments.length - 1) {
      first ??= here;
      mustNull = true;
    } else {
      mustNull = inList(object[segment.key], segment.type, index, here);
    }
    if (!mustNull) return false;
    if (isNonNullType(segment.type)) return true;
    object[segment.key] = null;
    return false;
  };
  const rootNulled = inObject(data, 0, []);
  return { path: first ?? segments.map((s) => s.key), rootNulled };
}

function stripFillers(value: unknown): void {
  if (Array.isArray(value)) value.forEach(stripFillers);
  else if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    delete object[FILLER_ALIAS];
    for (const child of Object.values(object)) stripFillers(child);
  }
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))
  );
}

/**
 * Validation errors of a document against the partner contract, worked out once per document and
 * contract: Apollo Server hands the same parsed document to every request with the same text, and
 * a new supergraph brings a new contract schema, so neither key can go stale.
 */
const partnerValidations = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();

function partnerValidation(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
  let bySchema = partnerValidations.get(schema);
  if (!bySchema) partnerValidations.set(schema, (bySchema = new WeakMap()));
  let errors = bySchema.get(document);
  if (!errors) bySchema.set(document, (errors = validate(schema, document).map(withoutSuggestions)));
  return errors;
}

/**
 * The same error without graphql-js's "Did you mean …?": a suggestion names fields and types of
 * the schema, which a caller who may not see them must not learn from a typo.
 */
function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/ ?Did you mean (.+?)\?$/, '');
  return message === error.message ? error : new GraphQLError(message, { nodes: error.nodes, extensions: error.extensions });
}

/**
 * Field authorization from the supergraph's `@authorized` directives, and the partner contract.
 * A denied field is cut from the operation before planning, so its subgraph is never asked; it
 * comes back null with a `FORBIDDEN` error on its path. Partners are validated and introspect
 * against the `partner`-tagged schema only; users introspect the fields their rights allow.
 */
export function authorizationPlugin(options: AuthorizationOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let removed: Removed[] = [];
      let hasFillers = false;
      return {
        async validationDidStart(requestContext) {
          const security = options.rules();
          const caller = callerOf(requestContext.contextValue);
          if (!security?.partnerSchema || !caller || !isPartnerCaller(caller)) return;
          // A partner's invalid document is judged against the contract alone, so that a field
          // hidden from partners fails exactly as a field that does not exist (first error only,
          // as a document valid for the whole graph but not for the contract fails below).
          const partnerSchema = security.partnerSchema;
          return async (errors) => {
            if (!errors?.length) return;
            const [first] = partnerValidation(partnerSchema, requestContext.document!);
            // The partner tests fail if Apollo Server stops reporting the array it hands this hook.
            replaceValidationErrors(errors, first ?? withoutSuggestions(errors[0] as GraphQLError));
          };
        },
        async didResolveOperation(requestContext: GraphQLRequestContext<any>) {
          const security = options.rules();
          const caller = callerOf(requestContext.contextValue);
          const operation = requestContext.operation;
          if (!security || !caller || !operation) return;
          if (isPartnerCaller(caller)) {
            if (!security.partnerSchema)
              throw gatewayError('FORBIDDEN', 403, 'the graph offers partners nothing: no root field is tagged "partner"');
            const errors = partnerValidation(security.partnerSchema, requestContext.document!);
            const [first] = errors;
            // Shaped as Apollo Server's own validation errors: a hidden field fails as a missing one.
            if (first)
              throw new GraphQLError(first.message, {
                nodes: first.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
              });
          }
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of requestContext.document!.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          removed = findDenied(requestContext.schema, security, caller, operation, fragments);
          if (!removed.length) return;
          const document = withoutDenied(requestContext.schema, security, caller, requestContext.document!);
          const text = print(document);
          hasFillers = text.includes(FILLER_ALIAS);
          // The plan, and the plan cache's key, must be those of the cut document.
          replaceOperationDocument(requestContext, document, text);
        },
        async responseForOperation(requestContext) {
          const security = options.rules();
          const caller = callerOf(requestContext.contextValue);
          if (!security || !caller || !requestContext.operation) return null;
          if (!isIntrospectionOnly(requestContext.operation)) return null;
          // Each caller introspects the schema it may use: partners their contract, users what their rights allow.
          const schema = isPartnerCaller(caller) ? security.partnerSchema : schemaForCaller(requestContext.schema, security, caller);
          if (!schema || schema === requestContext.schema) return null;
          const result = await execute({
            schema,
            document: requestContext.document!,
            operationName: requestContext.request.operationName,
            variableValues: requestContext.request.variables,
          });
          return {
            http: requestContext.response.http,
            body: { kind: 'single', singleResult: { data: result.data, errors: result.errors } },
          };
        },
        async willSendResponse(requestContext) {
          if (!removed.length && !hasFillers) return;
          const body = requestContext.response.body;
          if (body.kind !== 'single') return;
          const result = body.singleResult;
          const errors = [...(result.errors ?? [])];
          if (result.data) {
            const data = result.data as Record<string, unknown>;
            let rootNulled = false;
            for (const r of removed) {
              const { path, rootNulled: nulled } = nullOut(data, r.segments);
              rootNulled ||= nulled;
              errors.push(
                new GraphQLError(
                  `not allowed to ${r.coordinate.startsWith('Mutation.') ? 'run' : 'read'} ${r.coordinate}: it needs ${describeRule(r.rule)}`,
                  {
                    path,
                    extensions: { code: 'FORBIDDEN', field: r.coordinate },
                  },
                ).toJSON(),
              );
            }
            if (hasFillers) stripFillers(data);
            body.singleResult = { ...result, data: rootNulled ? null : data, errors };
          }
        },
      };
    },
  };
}
