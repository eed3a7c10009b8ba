/**
 * The parts of `@apollo/federation-internals`' schema and operation model that the result-shaping
 * benchmark and its tests walk to generate answers for both shapers (bench/answers.ts). Nothing
 * in the gateway's request path uses these; they are here so that every import of the package is.
 */
export {
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  operationFromDocument,
  possibleRuntimeTypes,
  Supergraph,
  type CompositeType,
  type Operation,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
