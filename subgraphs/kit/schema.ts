import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { guardTextInputs } from './validation';
import { GATEWAY_ONLY_PUBSUB } from './events/live-fields';

/** The Federation 2 spec version every subgraph links. */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.6';

/** The project's own authorization directive, kept in the supergraph through `@composeDirective`. */
export const AUTHORIZED_SPEC = 'https://plantgraph.dev/authorized/v1.0';

const AUTHORIZED_DEFINITION =
  'directive @authorized(roles: [String!] = [], scopes: [String!] = []) on FIELD_DEFINITION | OBJECT | INTERFACE\n';

/**
 * The schema extension that links federation and, when the SDL uses `@authorized`, the project's
 * authorization spec with `@composeDirective`, so that the gateway finds the rule in the supergraph.
 */
export function subgraphLinks(federationImports: readonly string[], sdl: string): string {
  const usesAuthorized = /@authorized\b/.test(sdl);
  const imports = [
    ...federationImports,
    ...(usesAuthorized && !federationImports.includes('@composeDirective') ? ['@composeDirective'] : []),
  ];
  const federation = `@link(url: "${FEDERATION_SPEC}", import: [${imports.map((d) => JSON.stringify(d)).join(', ')}])`;
  if (!usesAuthorized) return `extend schema ${federation}\n`;
  return `extend schema ${federation} @link(url: "${AUTHORIZED_SPEC}", import: ["@authorized"]) @composeDirective(name: "@authorized")\n${AUTHORIZED_DEFINITION}`;
}

/** `__resolveReference` per entity type; each must go through a loader. */
export type ReferenceResolvers<TContext> = Record<string, { __resolveReference: (reference: any, context: TContext) => unknown }>;

export interface SubgraphSchemaOptions<TContext> {
  /** type-graphql resolver classes. */
  resolvers: NonEmptyArray<Function>;
  /** Types no resolver returns directly (entities reached only through `_entities`). */
  orphanedTypes?: Function[];
  referenceResolvers?: ReferenceResolvers<TContext>;
  /** Federation directives the SDL uses, e.g. `['@key', '@external', '@requires']`. */
  federationImports: readonly string[];
  /**
   * Types to tag for a contract in this subgraph's SDL only, by tag: `{ partner: ['PageInfo'] }`.
   * For types no decorator of the subgraph can tag: the paging kit's `PageInfo`, whose one class
   * every subgraph shares, and the connection and edge types `connectionOf` creates. Needs
   * `@tag` in `federationImports`.
   */
  contractTags?: Record<string, readonly string[]>;
}

/** `extend type T @tag(name: "…")` for each type of `contractTags`. */
function contractTagExtensions(contractTags: Record<string, readonly string[]> = {}): string {
  return Object.entries(contractTags)
    .flatMap(([tag, types]) => types.map((type) => `extend type ${type} @tag(name: ${JSON.stringify(tag)})\n`))
    .join('');
}

/**
 * Fields that only read the row's property of the same name get no resolver of type-graphql's
 * own: graphql-js's default resolver reads the same property. type-graphql otherwise wraps every
 * such field in a function that allocates its middleware context on each value, which on a page
 * of a thousand rows was a large share of a subgraph's execution time and garbage. The subgraphs
 * use no type-graphql middleware or auth checker (authorization is the `@authorized` directive),
 * so nothing is skipped; a field whose property name differs from its schema name keeps its wrapper.
 */
function plainFieldsResolveByDefault(): void {
  for (const field of getMetadataStorage().fields) {
    if (field.simple === undefined && field.name === field.schemaName) field.simple = true;
  }
}

type Resolve = (root: unknown, args: unknown, context: unknown, info: unknown) => unknown;

/**
 * The `@FieldResolver` methods of `resolverClasses` that take only their row (`@Root()`), the
 * context (`@Ctx()`) and the resolve info (`@Info()`), as resolvers that call the method directly:
 * type-graphql's wrapper allocates its resolver data, looks the class's instance up in its
 * container, sorts and maps the parameters and checks them for promises on every call, and such
 * fields run once per row of a list (an audit's findings, a finding's NCR, a work order's material).
 * The method gets the same values in the same order. Methods with arguments (`@Arg`, `@Args`:
 * type-graphql converts them to class instances), middleware, auth-checker roles, or a root typed
 * by a class (type-graphql copies the row into an instance of it) keep type-graphql's wrapper.
 */
function directFieldResolvers(resolverClasses: readonly Function[]): Map<string, Map<string, Resolve>> {
  const storage = getMetadataStorage();
  const direct = new Map<string, Map<string, Resolve>>();
  for (const fieldResolver of storage.fieldResolvers) {
    const target = fieldResolver.target;
    if (fieldResolver.kind !== 'external' || !resolverClasses.includes(target)) continue;
    const { methodName } = fieldResolver;
    const resolverClass = storage.resolverClasses.find((r) => r.target === target);
    // An inherited resolver's parameters are declared on its base class: keep type-graphql's wrapper.
    if (!resolverClass || resolverClass.superResolver) continue;
    const objectClass = resolverClass.getObjectType?.();
    const typeName = storage.objectTypes.find((t) => t.target === objectClass)?.name;
    if (!typeName) continue;
    const guarded =
      storage.middlewares.some((m) => m.target === target && m.fieldName === methodName) ||
      storage.resolverMiddlewares.some((m) => m.target === target) ||
      storage.authorizedFields.some((a) => a.target === target && a.fieldName === methodName) ||
      storage.authorizedResolver.some((a) => a.target === target);
    if (guarded) continue;
    const params = storage.params.filter((p) => p.target === target && p.methodName === methodName).sort((a, b) => a.index - b.index);
    const kinds: ('root' | 'context' | 'info')[] = [];
    for (const param of params as { kind: string; propertyName?: string; getType?: () => unknown }[]) {
      if (param.kind === 'root' && !param.propertyName && (!param.getType || param.getType() === Object)) kinds.push('root');
      else if (param.kind === 'context' && !param.propertyName) kinds.push('context');
      else if (param.kind === 'info') kinds.push('info');
      else break;
    }
    if (kinds.length !== params.length) continue;
    const instance = new (target as new () => Record<string, (...values: unknown[]) => unknown>)();
    const method = instance[methodName];
    // Every parameter of the method is decorated, or type-graphql would pass fewer values than it takes.
    if (typeof method !== 'function' || method.length > params.length) continue;
    const pick = (kind: string, root: unknown, context: unknown, info: unknown) =>
      kind === 'root' ? root : kind === 'context' ? context : info;
    const [first, second, third] = kinds;
    let resolve: Resolve;
    switch (kinds.length) {
      case 0:
        resolve = () => method.call(instance);
        break;
      case 1:
        resolve = (root, _args, context, info) => method.call(instance, pick(first!, root, context, info));
        break;
      case 2:
        resolve = (root, _args, context, info) =>
          method.call(instance, pick(first!, root, context, info), pick(second!, root, context, info));
        break;
      case 3:
        resolve = (root, _args, context, info) =>
          method.call(instance, pick(first!, root, context, info), pick(second!, root, context, info), pick(third!, root, context, info));
        break;
      default:
        continue;
    }
    if (!direct.has(typeName)) direct.set(typeName, new Map());
    direct.get(typeName)!.set(fieldResolver.schemaName, resolve);
  }
  return direct;
}

/**
 * Builds a Federation 2 subgraph schema from type-graphql classes: type-graphql builds the
 * types and resolvers, `@apollo/subgraph` adds `_service`, `_entities` and the federation link.
 */
export async function buildSubgraph<TContext>(options: SubgraphSchemaOptions<TContext>): Promise<GraphQLSchema> {
  // TypeScript applies parameter decorators last to first; keep arguments in their declared order.
  getMetadataStorage().params.sort((a, b) => a.index - b.index);
  plainFieldsResolveByDefault();
  const typeSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    skipCheck: true,
    // Subscription fields are declared here but run at the gateway (events/live-fields.ts).
    pubSub: GATEWAY_ONLY_PUBSUB,
    validate: false,
  });
  const sdl = printSchemaWithDirectives(typeSchema);
  const resolvers: Record<string, any> = createResolversMap(typeSchema);
  for (const [typeName, fields] of directFieldResolvers(options.resolvers)) {
    for (const [fieldName, resolve] of fields) {
      if (typeof resolvers[typeName]?.[fieldName] === 'function') resolvers[typeName][fieldName] = resolve;
    }
  }
  for (const [typeName, reference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), ...reference };
  }
  // Every string argument is bounded and free of control characters before any resolver runs.
  return guardTextInputs(
    buildSubgraphSchema({
      typeDefs: parse(subgraphLinks(options.federationImports, sdl) + sdl + contractTagExtensions(options.contractTags)),
      resolvers,
    }),
  );
}
