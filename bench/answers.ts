import {
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  possibleRuntimeTypes,
  type CompositeType,
  type Operation,
  type SelectionSet,
  type Type,
} from '../gateway/apollo-internals/federation-model';

/**
 * Answers to an operation as the gateway holds them before shaping (the subgraphs' answers merged:
 * every selected field under its response name, `__typename`s, and fields the plan fetched for
 * itself), generated from the operation and its schema. The result-shaping benchmark shapes them;
 * the tests also break them on purpose, to compare two shapers on wrong answers too.
 */

export interface AnswerOptions {
  /** Numbers in [0, 1): the same sequence gives the same answer. */
  random: () => number;
  /** Chance that a value is replaced by one that is wrong for its type (0: a valid answer). */
  corruption?: number;
  /** Chance that a nullable value is null. @default 0.1 */
  nulls?: number;
  /** Length of every outermost list (one not inside another list's items). @default 0 to 3 items, at random */
  listLength?: number;
  /** Length of the lists inside those lists' items. @default 0 to 3 items, at random */
  nestedListLength?: number;
}

/** A seeded generator (mulberry32): the same seed, the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values no subgraph should send where a field's type wants something else. */
const WRONG: unknown[] = [null, null, 'text', 42, 1.5, true, {}, [], { __typename: 'NoSuchType' }, '', 0, [null]];

function leafValue(random: () => number, type: Type): unknown {
  if (isEnumType(type)) return type.values[Math.floor(random() * type.values.length)]!.name;
  switch ((type as { name: string }).name) {
    case 'Int':
      return Math.floor(random() * 2000) - 1000;
    case 'Float':
      return random() * 100;
    case 'Boolean':
      return random() < 0.5;
    case 'ID':
      return random() < 0.8 ? `id-${Math.floor(random() * 1e6)}` : Math.floor(random() * 1000);
    case 'String':
      return `s${Math.floor(random() * 1e6)}`;
    default:
      return random() < 0.5 ? `custom-${Math.floor(random() * 100)}` : { any: [1, 'json'] };
  }
}

function objectFor(
  options: AnswerOptions,
  selectionSet: SelectionSet,
  parentType: CompositeType,
  nested: boolean,
): Record<string, unknown> {
  const { random, corruption = 0 } = options;
  const runtime = possibleRuntimeTypes(parentType);
  const concrete = runtime[Math.floor(random() * runtime.length)]!;
  const out: Record<string, unknown> = {};
  if (!isObjectType(parentType) || random() < 0.7)
    out.__typename = random() < corruption ? WRONG[Math.floor(random() * WRONG.length)] : concrete.name;
  const fill = (set: SelectionSet) => {
    for (const selection of set.selections()) {
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        if (field.definition.isSchemaIntrospectionField() || field.name === '__typename') continue;
        if (random() < corruption / 2) continue; // missing
        out[field.responseName()] = valueFor(options, field.definition.type!, selection.selectionSet, nested);
      } else {
        const condition = selection.element.typeCondition;
        if (!condition || condition.name === concrete.name || random() < 0.3) fill(selection.selectionSet);
      }
    }
  };
  fill(selectionSet);
  if (random() < 0.3) out.internalKey = 'a field the plan fetched for itself';
  return out;
}

/** `nested`: inside the items of a list. */
function valueFor(options: AnswerOptions, type: Type, selectionSet: SelectionSet | undefined, nested: boolean): unknown {
  const { random, corruption = 0, nulls = 0.1 } = options;
  if (random() < corruption) return WRONG[Math.floor(random() * WRONG.length)];
  if (isNonNullType(type)) return valueFor(options, type.ofType, selectionSet, nested);
  if (random() < nulls) return null;
  if (isListType(type)) {
    const length = (nested ? options.nestedListLength : options.listLength) ?? Math.floor(random() * 4);
    return Array.from({ length }, () => valueFor(options, type.ofType, selectionSet, true));
  }
  if (isCompositeType(type)) return objectFor(options, selectionSet!, type, nested);
  return leafValue(random, type);
}

/** An answer to the whole operation, keyed by its root fields' response names. */
export function answerFor(operation: Operation, options: AnswerOptions): Record<string, unknown> {
  const schema = operation.schema();
  const answer = objectFor(options, operation.selectionSet, schema.schemaDefinition.rootType(operation.rootKind)!, false);
  delete answer.__typename;
  return answer;
}
