import { Kind, parse, print, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';

/**
 * One subgraph query asked several times with other variables, as one document: member i's root
 * fields are aliased `_b<i>_<response key>` and its variables renamed `$_b<i>_<name>`, so that the
 * subgraph runs them in one request (one context, so its loaders batch across members) and each
 * member's answer can be taken back out by its prefix.
 */
export interface RootBatchTemplate {
  /** The combined query text for `members` members (cached per count). */
  combined(members: number): string;
}

interface GraphQLErrorShape {
  path?: unknown[];
  [field: string]: unknown;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorShape[];
  [field: string]: unknown;
}

const PREFIX = /^_b(\d+)_(.+)$/;

const prefix = (member: number) => `_b${member}_`;

/**
 * Whether a planner's root query can be combined: one query operation whose root selections are
 * plain fields and no fragment definitions (a fragment could read variables, and would be shared
 * by members whose variables differ). Anything else is sent as it is.
 */
function batchableOperation(document: DocumentNode): OperationDefinitionNode | undefined {
  if (document.definitions.length !== 1) return undefined;
  const operation = document.definitions[0]!;
  if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return undefined;
  if (operation.directives?.length) return undefined;
  if (!operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD)) return undefined;
  // Introspection and `_service` are answered from the schema; nothing to gain.
  if (
    operation.selectionSet.selections.some(
      (s) => (s as FieldNode).name.value.startsWith('__') || (s as FieldNode).name.value === '_service',
    )
  )
    return undefined;
  return operation;
}

/** Member `i`'s copy of the operation's parts: variables renamed, root fields aliased. */
function memberParts(operation: OperationDefinitionNode, member: number) {
  const p = prefix(member);
  const renamed = visit(operation, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: p + node.name.value } }),
  });
  const selections = renamed.selectionSet.selections.map((selection) => {
    const field = selection as FieldNode;
    return { ...field, alias: { kind: Kind.NAME, value: p + (field.alias ?? field.name).value } } as FieldNode;
  });
  return { variableDefinitions: renamed.variableDefinitions ?? [], selections };
}

/** The template for a query text, or undefined when it cannot be combined (or does not parse). */
export function rootBatchTemplate(query: string): RootBatchTemplate | undefined {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  const operation = batchableOperation(document);
  if (!operation) return undefined;
  const texts = new Map<number, string>();
  return {
    combined(members) {
      let text = texts.get(members);
      if (text === undefined) {
        const parts = Array.from({ length: members }, (_, i) => memberParts(operation, i));
        text = print({
          kind: Kind.DOCUMENT,
          definitions: [
            {
              ...operation,
              variableDefinitions: parts.flatMap((part) => part.variableDefinitions),
              selectionSet: { kind: Kind.SELECTION_SET, selections: parts.flatMap((part) => part.selections) },
            },
          ],
        });
        texts.set(members, text);
      }
      return text;
    },
  };
}

/** The combined request's variables: each member's own, renamed with its prefix. */
export function combinedVariables(members: readonly (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  members.forEach((own, i) => {
    for (const [name, value] of Object.entries(own ?? {})) variables[prefix(i) + name] = value;
  });
  return variables;
}

/**
 * Splits a combined answer into one answer per member: its aliased fields under their own names,
 * the errors whose path starts at one of its fields (re-rooted), and the errors without such a
 * path and the answer's extensions for everyone. Undefined when `data` is not an object (a
 * non-null root field failed and nulled everything): there is nothing to divide, so the caller
 * asks each member again on its own.
 */
export function splitRootAnswer(answer: Answer, members: number): Answer[] | undefined {
  const data = answer.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const parts: { data: Record<string, unknown>; errors: GraphQLErrorShape[] }[] = Array.from({ length: members }, () => ({
    data: {},
    errors: [],
  }));
  for (const [key, value] of Object.entries(data)) {
    const match = PREFIX.exec(key);
    const part = match ? parts[Number(match[1])] : undefined;
    if (!part) return undefined;
    part.data[match![2]!] = value;
  }
  for (const error of answer.errors ?? []) {
    const head = Array.isArray(error.path) && typeof error.path[0] === 'string' ? PREFIX.exec(error.path[0]) : null;
    const part = head ? parts[Number(head[1])] : undefined;
    if (part) part.errors.push({ ...error, path: [head![2], ...error.path!.slice(1)] });
    // Each member gets its own copy: the gateway may keep and change what it is given.
    else for (const each of parts) each.errors.push(structuredClone(error));
  }
  const { data: _data, errors: _errors, ...rest } = answer;
  return parts.map((part) => ({ ...structuredClone(rest), data: part.data, ...(part.errors.length ? { errors: part.errors } : {}) }));
}
