import { Kind, print, type DocumentNode, type StringValueNode } from 'graphql';
import { sourceSentence, type AuthorityMap } from './map';
import { rightsSentence, type GuardedField } from './rights';

/**
 * Ends every field description of the supergraph with its authoritative source, so that
 * introspection of the API schema says where each field comes from without any runtime work, and
 * says before it who may run or read a field that is under an `@authorized` rule.
 */
export function describeSources(document: DocumentNode, map: AuthorityMap, guarded: readonly GuardedField[] = []): string {
  const rights = new Map(guarded.filter((g) => g.rules.length).map((g) => [g.coordinate, rightsSentence(g)]));
  const definitions = document.definitions.map((def) => {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION
    )
      return def;
    if (def.name.value.startsWith('join__') || def.name.value.startsWith('link__')) return def;
    const fields = (def.fields ?? []).map((field) => {
      const authority = map.fields[`${def.name.value}.${field.name.value}`];
      if (!authority || (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && !authority.system)) return field;
      const coordinate = `${def.name.value}.${field.name.value}`;
      // Who may use the field comes before the source, which every description ends with.
      const sentence = [rights.get(coordinate), sourceSentence(authority, map)].filter(Boolean).join('\n\n');
      const current = field.description?.value.trim();
      const description: StringValueNode = { kind: Kind.STRING, value: current ? `${current}\n\n${sentence}` : sentence, block: true };
      return { ...field, description };
    });
    return { ...def, fields } as typeof def;
  });
  // graphql's printer indents the blank line inside a block string; the indentation carries nothing.
  return print({ ...document, definitions }).replace(/^[ \t]+$/gm, '');
}
