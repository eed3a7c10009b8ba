import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

/**
 * The usage coordinates a change touches: `Type.field` and `Type.field(arg:)` as the gateway
 * records them. A coordinate is touched when it is one of `exact` or starts with one of `prefixes`.
 */
export interface Touched {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
}

export interface ClassifiedChange {
  readonly level: ChangeLevel;
  /** graphql-inspector's change type (`FIELD_REMOVED`, `FIELD_ARGUMENT_REMOVED`, …). */
  readonly type: string;
  readonly message: string;
  readonly path: string | null;
  /** What usage the change touches; null when no recorded usage can tell (directives, schema roots). */
  readonly touched: Touched | null;
}

const LEVELS: Readonly<Record<CriticalityLevel, ChangeLevel>> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/** Input object types from which `target` can be reached (itself included), so that an argument of any of them carries it. */
function inputsCarrying(schema: GraphQLSchema, target: string): Set<string> {
  const carrying = new Set([target]);
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  for (let grew = true; grew;) {
    grew = false;
    for (const input of inputs) {
      if (carrying.has(input.name)) continue;
      if (Object.values(input.getFields()).some((f) => carrying.has(getNamedType(f.type).name))) {
        carrying.add(input.name);
        grew = true;
      }
    }
  }
  return carrying;
}

/** Fields that return `type` or take it (directly or inside an input) as an argument. */
function fieldsUsingType(schema: GraphQLSchema, type: GraphQLNamedType): string[] {
  const carriers = inputsCarrying(schema, type.name);
  const coordinates: string[] = [];
  for (const parent of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(parent) || isInterfaceType(parent)) || parent.name.startsWith('__')) continue;
    for (const field of Object.values(parent.getFields())) {
      if (getNamedType(field.type).name === type.name) coordinates.push(`${parent.name}.${field.name}`);
      for (const arg of field.args)
        if (carriers.has(getNamedType(arg.type).name)) coordinates.push(`${parent.name}.${field.name}(${arg.name}:)`);
    }
  }
  return coordinates;
}

/** Which recorded coordinates a change at `path` touches, read in the deployed schema. */
export function touchedBy(change: Pick<Change, 'type' | 'path'>, deployed: GraphQLSchema): Touched | null {
  if (!change.path || change.path.startsWith('@')) return null;
  const [typeName, fieldName, argName] = change.path.split('.');
  const type = deployed.getType(typeName!);
  if (!type) return null;
  if (isObjectType(type) || isInterfaceType(type)) {
    if (!fieldName) return { exact: [], prefixes: [`${type.name}.`] };
    const field = `${type.name}.${fieldName}`;
    // A new required argument breaks every caller of the field; another argument change, those who pass it.
    if (argName && change.type !== 'FIELD_ARGUMENT_ADDED') return { exact: [`${field}(${argName}:)`], prefixes: [] };
    return { exact: [field], prefixes: [`${field}(`] };
  }
  if (isEnumType(type) || isInputObjectType(type) || isUnionType(type) || isScalarType(type)) {
    return { exact: fieldsUsingType(deployed, type), prefixes: [] };
  }
  return null;
}

/** Every change from the deployed API schema to the proposed one, with its level and the usage it touches. */
export async function classifyChanges(deployed: GraphQLSchema, proposed: GraphQLSchema): Promise<ClassifiedChange[]> {
  const changes = await diff(deployed, proposed);
  return changes.map((change) => ({
    level: LEVELS[change.criticality.level],
    type: change.type,
    message: change.message,
    path: change.path ?? null,
    touched: change.criticality.level === CriticalityLevel.Breaking ? touchedBy(change, deployed) : null,
  }));
}

/** Whether a recorded coordinate is one a change touches. */
export function touches(touched: Touched, coordinate: string): boolean {
  return touched.exact.includes(coordinate) || touched.prefixes.some((p) => coordinate.startsWith(p));
}
