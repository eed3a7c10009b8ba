import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { BREAK, execute, GraphQLError, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Subgraph operations run as queries compiled by graphql-jit instead of graphql-js's interpreter.
 * The gateway sends each subgraph the same few operations again and again (its query plans' fetches,
 * and batches of them), so a query compiled once per text runs many times; a compiled query reads
 * its selections without re-walking the document or allocating resolve infos for default-resolved
 * fields, which on pages of a thousand rows was most of a subgraph's execution time and garbage.
 * Apollo Server still parses and validates every request (its own document cache) and formats and
 * masks errors: it runs the compiled query through its gateway executor hook.
 */

/** What runs a text: its compiled query, the compiler's errors, or graphql-js (INTERPRETED). */
export type Runner = CompiledQuery | ExecutionResult | typeof INTERPRETED;

/** The text is run by graphql-js's `execute`, see `nestsVariables`. */
export const INTERPRETED = Symbol('interpreted');

/**
 * Whether a variable sits inside a list or object literal (`representations: [{ id: $id }]`):
 * graphql-jit hands such a literal to a custom scalar's parseLiteral without the variables, so
 * `_Any` would read `id` as undefined. The gateway sends representations as one variable; tests
 * and hand-written queries may not.
 */
export function nestsVariables(document: DocumentNode): boolean {
  let nested = false;
  let depth = 0;
  visit(document, {
    ListValue: { enter: () => void (depth += 1), leave: () => void (depth -= 1) },
    ObjectValue: { enter: () => void (depth += 1), leave: () => void (depth -= 1) },
    Variable: () => {
      if (depth > 0) {
        nested = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return nested;
}

/** Compiled queries by operation name and query text; the least recently used goes first. */
export class CompiledQueries {
  readonly #entries = new Map<string, Runner>();
  /** How many texts were compiled (each at most once while it stays in the cache). */
  compilations = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    /** Most texts kept: the gateway's plans make few distinct subgraph operations. */
    readonly maxEntries = 1_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The compiled query of `source`, compiling `document` (the parse of `source`) on first use. */
  get(source: string, document: DocumentNode, operationName: string | null): Runner {
    const key = `${operationName ?? ''}\u0000${source}`;
    let compiled = this.#entries.get(key);
    if (compiled) {
      // Re-inserted so that Map order is least recently used first.
      this.#entries.delete(key);
    } else {
      if (nestsVariables(document)) {
        compiled = INTERPRETED;
      } else {
        compiled = compileQuery(this.schema, document, operationName ?? undefined);
        this.compilations += 1;
      }
      if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, compiled);
    return compiled;
  }
}

/** An executor that runs each operation as its compiled query (or, for the few texts graphql-jit cannot run exactly, with graphql-js). */
export function compiledExecutor(queries: CompiledQueries): GatewayExecutor {
  return async (request) => {
    const compiled = queries.get(request.source, request.document, request.operationName);
    if (compiled === INTERPRETED) {
      return execute({
        schema: request.schema,
        document: request.document,
        operationName: request.operationName,
        contextValue: request.context,
        variableValues: request.request.variables,
      });
    }
    if (!isCompiledQuery(compiled)) return compiled;
    const result = await compiled.query(undefined, request.context, request.request.variables ?? {});
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
}

/**
 * graphql-jit's errors are its own objects on GraphQLError's prototype, with no `extensions` when
 * the cause had none, where Apollo Server and the error masking expect graphql-js's errors (whose
 * `extensions` is always an object, and whose `originalError` is what the resolver threw).
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions ?? undefined,
  });
  // graphql-js computes locations from AST nodes; graphql-jit hands them over computed.
  if (error.locations) (converted as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return converted;
}

/**
 * Serves one fixed schema to Apollo Server through its gateway interface, with the compiled
 * executor: the only way Apollo Server lets execution be replaced while keeping its request
 * pipeline (validation, plugins, error formatting).
 */
export function compiledExecution(schema: GraphQLSchema, queries = new CompiledQueries(schema)): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor: compiledExecutor(queries) };
    },
    async stop() {},
  };
}
