import {
  defaultFieldResolver,
  GraphQLID,
  GraphQLString,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { preview } from '../../platform/preview';
import { badInput } from './errors';
import { invalid, success, type Failure, type Outcome } from './outcome';

/**
 * Longest text, in characters, each kind of string input may carry. The columns that store such
 * input are `varchar` of the same length (migrations read these numbers), so what passes here
 * always fits its column.
 */
export const TEXT_LIMITS = {
  /** Identifiers: material, lot, order, hold, task numbers. */
  id: 64,
  /** Short codes: a reason code (MES takes up to 64 characters, ERP up to 40). */
  code: 64,
  /** A person or a search term: auditor, approver, account manager. */
  name: 100,
  /** One line: a company name, a checklist question, a characteristic. */
  line: 200,
  /** Free text a person writes: a reason, a description, a corrective action. */
  text: 2000,
} as const;

export type TextKind = keyof typeof TEXT_LIMITS;

/**
 * The kind of each string argument and input field, by name, in every subgraph. A `String` not
 * named here is a `line`, an `ID` an `id`.
 */
export const TEXT_KINDS: Readonly<Record<string, TextKind>> = {
  reason: 'text',
  justification: 'text',
  description: 'text',
  rootCause: 'text',
  correctiveAction: 'text',
  countermeasure: 'text',
  reasonCode: 'code',
  auditor: 'name',
  countedBy: 'name',
  approver: 'name',
  accountManager: 'name',
  search: 'name',
};

/** The kind of text an argument or input field of this name and scalar carries. */
export function textKindOf(name: string, scalar: 'String' | 'ID'): TextKind {
  return TEXT_KINDS[name] ?? (scalar === 'ID' ? 'id' : 'line');
}

// Tab, line feed and carriage return belong in free text; no other control character belongs
// anywhere, and PostgreSQL cannot store NUL at all.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) i++;
    length++;
  }
  return length;
}

/** Refuses a string longer than its kind allows or holding a control character it cannot carry; never quotes the input. */
export function checkText(field: string, kind: TextKind, value: string): void {
  const limit = TEXT_LIMITS[kind];
  // Counting stops being cheap only for strings longer than any limit in UTF-16 units already.
  if (value.length > limit) {
    const length = codePointLength(value);
    if (length > limit) throw badInput(field, `expected at most ${limit} characters, got ${length}`);
  }
  const control = (kind === 'text' ? CONTROL_IN_TEXT : CONTROL_IN_LINE).exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw badInput(field, `expected text without control characters, got U+${code} at character ${control.index + 1}`);
  }
  // A lone surrogate would reach PostgreSQL as U+FFFD: the stored text would not be the text sent.
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    throw badInput(
      field,
      `expected well-formed Unicode, got a lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at UTF-16 position ${lone.index + 1}`,
    );
  }
}

/**
 * The failure of a required text that is absent or blank, or null. For identifiers, which are
 * checked as sent (a padded id is another id, not the same one trimmed).
 */
export function blankText(field: string, value: string | null | undefined): Failure | null {
  return value?.trim() ? null : invalid(field, `expected a non-empty text, got ${preview(value ?? null)}`);
}

/** The trimmed text, or a BAD_USER_INPUT failure naming the field when it is absent or blank. */
export function requireText(field: string, value: string | null | undefined): Outcome<string> {
  return blankText(field, value) ?? success(value!.trim());
}

/** The trimmed text, or null when it is absent or blank: an optional field left empty. */
export function optionalText(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

function carriesText(type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (isNonNullType(type) || isListType(type)) return carriesText(type.ofType, seen);
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some((field) => carriesText(field.type, seen));
  }
  return type === GraphQLString || type === GraphQLID || type.name === 'String' || type.name === 'ID';
}

function checkValue(path: string, name: string, type: GraphQLInputType, value: unknown): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(path, name, type.ofType, value);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => checkValue(`${path}[${i}]`, name, type.ofType, item));
    else checkValue(path, name, type.ofType, value);
    return;
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      checkValue(`${path}.${field.name}`, field.name, field.type, (value as Record<string, unknown>)[field.name]);
    }
    return;
  }
  if ((type.name === 'String' || type.name === 'ID') && typeof value === 'string') {
    checkText(path, textKindOf(name, type.name), value);
  }
}

/**
 * Checks every string argument of every field (and every string inside its input objects)
 * against its kind's limit before the resolver runs, so each resolver of all six systems sees
 * bounded text without control characters. Changes the schema's resolvers in place.
 */
export function guardTextInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const checked = field.args.filter((arg) => carriesText(arg.type));
      if (checked.length === 0) continue;
      const check = (args: Record<string, unknown>) => {
        for (const arg of checked) checkValue(arg.name, arg.name, arg.type, args[arg.name]);
      };
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        check(args);
        return resolve(source, args, context, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args, context, info) => {
          check(args);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
  return schema;
}
