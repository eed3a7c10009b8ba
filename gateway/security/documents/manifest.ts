import { documentId } from '../trusted-documents';

/** One operation of an Apollo persisted-query manifest. */
export interface ManifestOperation {
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly body: string;
}

export type ManifestResult = { ok: true; operations: ManifestOperation[] } | { ok: false; reason: string };

const TYPES = new Set(['query', 'mutation', 'subscription']);

function short(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Reads a persisted-query manifest as Apollo's and Relay's tooling write it:
 * `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ id, name, type, body }] }`,
 * each id the SHA-256 of its body.
 */
export function readManifest(json: unknown): ManifestResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, reason: `expected a JSON object, got ${short(json)}` };
  const manifest = json as Record<string, unknown>;
  if (manifest.format !== 'apollo-persisted-query-manifest')
    return { ok: false, reason: `expected "format": "apollo-persisted-query-manifest", got ${short(manifest.format)}` };
  if (manifest.version !== 1) return { ok: false, reason: `expected "version": 1, got ${short(manifest.version)}` };
  if (!Array.isArray(manifest.operations) || manifest.operations.length === 0)
    return { ok: false, reason: 'expected "operations" to be a non-empty array' };
  const operations: ManifestOperation[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of manifest.operations.entries()) {
    const at = `operations[${i}]`;
    if (typeof raw !== 'object' || raw === null) return { ok: false, reason: `${at}: expected an object, got ${short(raw)}` };
    const { id, name, type, body } = raw as Record<string, unknown>;
    if (typeof body !== 'string' || body.trim() === '') return { ok: false, reason: `${at}: expected "body" to be the document's text` };
    if (typeof name !== 'string' || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name))
      return { ok: false, reason: `${at}: expected "name" to be the operation's name, got ${short(name)}` };
    if (typeof type !== 'string' || !TYPES.has(type))
      return { ok: false, reason: `${at} (${name}): expected "type" query, mutation or subscription, got ${short(type)}` };
    const expected = documentId(body);
    if (id !== expected)
      return { ok: false, reason: `${at} (${name}): "id" must be the SHA-256 of "body" (${expected}), got ${short(id)}` };
    if (seen.has(expected)) continue;
    seen.add(expected);
    operations.push({ id: expected, name, type: type as ManifestOperation['type'], body });
  }
  return { ok: true, operations };
}
