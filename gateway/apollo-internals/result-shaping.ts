import * as apolloShaping from '@apollo/gateway/dist/resultShaping';
import {
  assert,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type FieldSelection,
  type NamedType,
  type Operation,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/**
 * The last step of every federated query: the subgraphs' merged answers, which carry the keys and
 * `@requires` fields the plan fetched for itself, are cut down to what the client selected, in its
 * order, with GraphQL's null propagation and leaf checks.
 *
 * `@apollo/gateway` does this with an interpreter that, for every value of the answer, walks the
 * operation's selections anew: it looks up each selection's `@skip`/`@include` directives, its
 * response name and its field definition, allocates a result object per value, and builds
 * prototype-less output objects (which V8 keeps as hash maps, slower to fill and to serialise).
 * On a list of a thousand work orders that is most of the gateway's CPU time per request.
 *
 * Here the operation is first turned into a plan, once per request and proportional to the size
 * of the query (directives evaluated against the request's variables, response names, type
 * wrappers and leaf checks resolved), then the answer is walked once against that plan. What
 * comes out (data, errors with their messages and paths, and what throws) is the same as Apollo's
 * shaper; the tests compare the two on generated answers, broken ones included.
 *
 * An operation selecting a response name that `Object.prototype` also has (`constructor`,
 * `toString`, …) is left to Apollo's shaper: plain output objects could not hold it safely.
 */

type IntrospectionHandling = (selection: FieldSelection) => unknown;

interface Input {
  operation: Operation;
  variables?: Record<string, any>;
  input: Record<string, any> | null | undefined;
  introspectionHandling: IntrospectionHandling;
}

interface Output {
  data: Record<string, any> | null | undefined;
  errors: GraphQLError[];
}

const NON_NULL = 0;
const LIST = 1;
const COMPOSITE = 2;
const LEAF = 3;

/** How one level of a field's type shapes its value. */
type ValuePlan =
  | { kind: typeof NON_NULL; type: Type; of: ValuePlan; selected: boolean }
  | { kind: typeof LIST; type: Type; of: ValuePlan; selected: boolean }
  | { kind: typeof COMPOSITE; type: CompositeType; steps: Step[]; selected: true }
  | { kind: typeof LEAF; type: Type; valid: (value: unknown) => boolean; selected: false };

const FIELD = 0;
const FRAGMENT = 1;

type Step =
  | {
      kind: typeof FIELD;
      /** Set when `@skip`/`@include` could not be decided: thrown when an answer reaches it, as Apollo's shaper does. */
      failure?: Error;
      responseName: string;
      selection: FieldSelection;
      introspection: boolean;
      typename: boolean;
      value: ValuePlan | undefined;
    }
  | {
      kind: typeof FRAGMENT;
      failure?: Error;
      typeCondition: CompositeType | undefined;
      steps: Step[];
      /** Whether the condition holds, per runtime type name. */
      applies: Map<string, boolean>;
    };

interface Run {
  schema: Schema;
  errors: GraphQLError[];
  introspection: IntrospectionHandling;
  /** Results of the last `update`, kept here rather than in an object per value. */
  invalid: boolean;
  hasErrors: boolean;
}

class Unsupported extends Error {}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** The leaf check of `isValidLeafValue`, specialised to one type. */
function leafCheck(schema: Schema, type: Type): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  if (type === schema.booleanType()) return (v) => typeof v === 'boolean';
  if (type === schema.intType()) return (v) => typeof v === 'number' && isFinite(v) && INTEGER.test(String(v));
  if (type === schema.idType()) return (v) => typeof v === 'string' || (typeof v === 'number' && isFinite(v) && INTEGER.test(String(v)));
  if (type === schema.floatType()) return (v) => typeof v === 'number' && isFinite(v);
  if (isEnumType(type)) return (v) => typeof v === 'string' && type.value(v) !== undefined;
  return (v) => typeof v === 'string';
}

/** Whether `@skip`/`@include` drop this selection for these variables (Apollo's `shouldSkip`). */
function skipped(
  schema: Schema,
  directives: { appliedDirectivesOf(d: any): readonly Directive<any, any>[] },
  variables: Record<string, any>,
): boolean {
  const ifValue = (directive: Directive<any, any>): boolean => {
    const arg = directive.arguments().if;
    if (arg instanceof Variable) {
      const value = variables[arg.name];
      assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${arg} of ${directive}`);
      return value;
    }
    return arg;
  };
  const skip = directives.appliedDirectivesOf(schema.skipDirective())[0];
  const include = directives.appliedDirectivesOf(schema.includeDirective())[0];
  return (!!skip && ifValue(skip)) || (!!include && !ifValue(include));
}

function planValue(schema: Schema, type: Type, selectionSet: SelectionSet | undefined, variables: Record<string, any>): ValuePlan {
  const selected = selectionSet !== undefined;
  if (isNonNullType(type)) return { kind: NON_NULL, type, of: planValue(schema, type.ofType, selectionSet, variables), selected };
  if (isListType(type)) return { kind: LIST, type, of: planValue(schema, type.ofType, selectionSet, variables), selected };
  if (isCompositeType(type)) {
    // A validated operation always selects into a composite field; Apollo's shaper reports it otherwise.
    if (!selectionSet) throw new Unsupported('a composite field without a selection set');
    return { kind: COMPOSITE, type, steps: planSteps(schema, selectionSet, variables), selected: true };
  }
  if (selected) throw new Unsupported('a leaf with a selection set');
  return { kind: LEAF, type, valid: leafCheck(schema, type), selected: false };
}

function planSteps(schema: Schema, selectionSet: SelectionSet, variables: Record<string, any>): Step[] {
  const steps: Step[] = [];
  for (const selection of selectionSet.selections() as readonly Selection[]) {
    let failure: Error | undefined;
    try {
      if (skipped(schema, selection.element, variables)) continue;
    } catch (err) {
      failure = err as Error;
    }
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const responseName = field.responseName();
      if (responseName in Object.prototype) throw new Unsupported(`response name ${responseName}`);
      const introspection = field.definition.isSchemaIntrospectionField();
      const typename = field.name === typenameFieldName;
      steps.push({
        kind: FIELD,
        failure,
        responseName,
        selection,
        introspection,
        typename,
        value:
          introspection || typename || failure ? undefined : planValue(schema, field.definition.type!, selection.selectionSet, variables),
      });
    } else {
      const typeCondition = selection.element.typeCondition;
      steps.push({
        kind: FRAGMENT,
        failure,
        typeCondition,
        steps: failure ? [] : planSteps(schema, selection.selectionSet, variables),
        applies: new Map(),
      });
    }
  }
  return steps;
}

function describeLast(path: (string | number)[], currentType: Type, parentType: NamedType): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

function fail(run: Run, message: string, path: (string | number)[]): void {
  run.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(path) }));
}

function update(run: Run, plan: ValuePlan, outputValue: any, inputValue: any, path: (string | number)[], parentType: NamedType): any {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !plan.selected)) {
    run.invalid = false;
    run.hasErrors = false;
    return outputValue;
  }
  if (plan.kind === NON_NULL) {
    const updated = update(run, plan.of, outputValue, inputValue, path, parentType);
    if (updated === null) {
      if (!run.hasErrors) fail(run, `Cannot return null for non-nullable ${describeLast(path, plan.of.type, parentType)}.`, path);
      run.invalid = true;
      run.hasErrors = true;
      return null;
    }
    run.invalid = false;
    run.hasErrors = false;
    return updated;
  }
  if (inputValue === null) {
    run.invalid = false;
    run.hasErrors = false;
    return null;
  }
  if (plan.kind === LIST) {
    assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${plan.type}`);
    assert(
      outputValue === undefined || Array.isArray(outputValue),
      () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${plan.type}`,
    );
    const length = inputValue.length;
    assert(
      outputValue === undefined || length === outputValue.length,
      () => `[${inputValue}].length (${length}) !== [${outputValue}].length (${outputValue.length})`,
    );
    const updated = new Array(length);
    let nullify = false;
    let hasErrors = false;
    for (let i = 0; i < length; i++) {
      path.push(i);
      updated[i] = update(run, plan.of, outputValue === undefined ? undefined : outputValue[i], inputValue[i], path, parentType);
      path.pop();
      if (run.invalid) nullify = true;
      if (run.hasErrors) hasErrors = true;
    }
    run.invalid = false;
    run.hasErrors = hasErrors;
    return nullify ? null : updated;
  }
  if (plan.kind === COMPOSITE) {
    assert(
      typeof inputValue === 'object',
      () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${plan.type}`,
    );
    assert(
      outputValue === undefined || typeof outputValue === 'object',
      () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${plan.type}`,
    );
    const inputTypename = inputValue[typenameFieldName];
    assert(
      inputTypename === undefined || typeof inputTypename === 'string',
      () => `Invalid non-string value ${inputTypename} for __typename at ${path}`,
    );
    let objectType: NamedType = plan.type;
    if (inputTypename) {
      const named = run.schema.type(inputTypename);
      if (!named || !isCompositeType(named)) {
        fail(run, `Invalid __typename found for object at ${describeLast(path, plan.type, parentType)}.`, path);
        run.invalid = false;
        run.hasErrors = true;
        return null;
      }
      objectType = named;
    }
    const output = outputValue === undefined ? {} : outputValue;
    const bubbled = apply(run, plan.steps, inputValue, output, path, objectType);
    run.invalid = false;
    run.hasErrors = bubbled;
    return bubbled ? null : output;
  }
  const valid = plan.valid(inputValue);
  if (!valid) fail(run, `Invalid value found for ${describeLast(path, plan.type, parentType)}.`, path);
  run.invalid = false;
  run.hasErrors = !valid;
  return valid ? inputValue : null;
}

function fragmentApplies(
  run: Run,
  step: Extract<Step, { kind: typeof FRAGMENT }>,
  typename: string | undefined,
  parentType: NamedType,
): boolean {
  const condition = step.typeCondition;
  if (!condition) return true;
  const name = typename || parentType.name;
  let applies = step.applies.get(name);
  if (applies === undefined) {
    const type = typename ? run.schema.type(typename) : parentType;
    applies = !!type && isSubtype(condition, type);
    step.applies.set(name, applies);
  }
  return applies;
}

/** Applies steps to one object of the answer; true when a null must bubble up to the parent. */
function apply(run: Run, steps: Step[], input: any, output: any, path: (string | number)[], parentType: NamedType): boolean {
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    if (step.failure) throw step.failure;
    if (step.kind === FIELD) {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.introspection) {
        if (outputValue === undefined) output[responseName] = run.introspection(step.selection);
        continue;
      }
      let inputValue = input[responseName] ?? null;
      if (step.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (run.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return true;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      output[responseName] = update(run, step.value!, outputValue, inputValue, path, parentType);
      path.pop();
      if (run.invalid) return true;
    } else {
      const typename = input[typenameFieldName];
      assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
      if (fragmentApplies(run, step, typename, parentType)) {
        if (apply(run, step.steps, input, output, path, step.typeCondition ?? parentType)) return true;
      }
    }
  }
  return false;
}

/** Apollo's own shaper, kept for operations the planned one leaves to it, and for comparison. */
export const apolloComputeResponse: (input: Input) => Output = apolloShaping.computeResponse;

/** Shapes a federated answer as `@apollo/gateway` does, from a plan of the operation made once per call. */
export function computeResponse(args: Input): Output {
  const { operation, variables, input, introspectionHandling } = args;
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const merged: Record<string, any> = { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables };
  let steps: Step[];
  try {
    steps = planSteps(schema, operation.selectionSet, merged);
  } catch (err) {
    if (err instanceof Unsupported) return apolloComputeResponse(args);
    throw err;
  }
  const run: Run = { schema, errors: [], introspection: introspectionHandling, invalid: false, hasErrors: false };
  const data = {};
  const bubbled = apply(run, steps, input, data, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: bubbled ? null : data, errors: run.errors };
}

/**
 * Makes `@apollo/gateway` shape answers with the planned shaper (`planned`, what the gateway
 * installs) or its own (`apollo`, for comparisons in tests and the shaping benchmark). The gateway
 * reads the function from its module on every request, so this applies to every gateway of the process.
 */
export function installResultShaping(mode: 'planned' | 'apollo'): void {
  (apolloShaping as { computeResponse: (input: Input) => Output }).computeResponse =
    mode === 'planned' ? computeResponse : apolloComputeResponse;
}

/** Which shaper the gateways of this process use. */
export function resultShapingMode(): 'planned' | 'apollo' {
  return apolloShaping.computeResponse === computeResponse ? 'planned' : 'apollo';
}
