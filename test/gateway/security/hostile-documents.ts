/** Documents and bodies written to hurt the gateway, shared by its tests and the measurements in docs/hostile-input.md. */

/** Each fragment spreads the previous one twice: `levels` levels select 2^levels fields from about 45 bytes a level. */
export function fanOutFragments(levels: number, leaf = 'id description'): string {
  let text = `query FanOut { material(id: "M000001") { ...F${levels} } }\nfragment F0 on Material { ${leaf} }\n`;
  for (let i = 1; i <= levels; i++) text += `fragment F${i} on Material { ...F${i - 1} ...F${i - 1} }\n`;
  return text;
}

/** `count` aliased root fields, each with a long argument, for a document of about `bytes` bytes. */
export function aliasFlood(count: number, bytes: number): string {
  const pad = Math.max(0, Math.floor(bytes / count) - 40);
  const fields = Array.from({ length: count }, (_, i) => `a${i}: material(id: "M${'0'.repeat(pad)}${i}") { id }`);
  return `query Aliases { ${fields.join(' ')} }`;
}

/** A request body whose variable nests `depth` lists inside each other. */
export function deepVariablesBody(depth: number): string {
  return `{"query":"query ($id: ID!) { material(id: $id) { id } }","variables":{"id":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}
