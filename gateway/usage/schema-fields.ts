import { buildSchema, isInterfaceType, isObjectType, type ASTNode } from 'graphql';

const hidden = (node: (ASTNode & { directives?: readonly { name: { value: string } }[] }) | null | undefined) =>
  Boolean(node?.directives?.some((d) => d.name.value === 'inaccessible'));

/**
 * Every `Type.field` clients can select in a supergraph (object and interface fields; the
 * federation machinery (`join__`, `link__`) and `@inaccessible` elements left out), sorted.
 */
export function supergraphFieldCoordinates(supergraphSdl: string): string[] {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const coordinates: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || type.name.startsWith('join__') || type.name.startsWith('link__')) continue;
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    if (hidden(type.astNode)) continue;
    for (const field of Object.values(type.getFields())) if (!hidden(field.astNode)) coordinates.push(`${type.name}.${field.name}`);
  }
  return coordinates.sort();
}
