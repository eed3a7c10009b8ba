import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../platform/listen';
import { partnerContractOf } from '../gateway/security/documents/contract';
import { contractRefusal } from '../gateway/security/documents/contract-check';
import { listDocuments, publishDocuments, revokeDocuments } from '../gateway/security/documents/document.repository';
import { readManifest, type ManifestOperation } from '../gateway/security/documents/manifest';
import { withGatewayDatabase } from './gateway-database';
import { option } from './options';

export const DOCUMENTS_USAGE = `documents publish <manifest.json> --scope partner:supplier[,S2]
  documents list
  documents revoke <id|name>`;

/** The operations of the manifest at `file`, each checked against the partner contract of the supergraph at `supergraphPath`. */
async function checkedManifest(file: string, supergraphPath: string): Promise<ManifestOperation[]> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`documents publish: cannot read ${file} as JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  const manifest = readManifest(json);
  if (!manifest.ok) throw new StartupError(`documents publish: ${file} is not an Apollo persisted-query manifest: ${manifest.reason}`);
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(supergraphPath, 'utf8');
  } catch (err) {
    throw new StartupError(
      `documents publish: cannot read the supergraph at ${supergraphPath} (SUPERGRAPH_PATH): ${(err as Error).message}`,
    );
  }
  const contract = await partnerContractOf(supergraphSdl);
  const refusals = manifest.operations.map((o) => contractRefusal(contract, o)).filter((r): r is string => r !== undefined);
  if (refusals.length > 0)
    throw new StartupError(
      `documents publish: nothing published; ${refusals.length} of ${manifest.operations.length} documents refused:\n  ${refusals.join('\n  ')}`,
    );
  return manifest.operations;
}

/** `plantgraph documents …`: the documents partners may run, kept in the gateway database; every replica follows within seconds. */
export async function documents(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [action, ...rest] = args;
  if (action !== 'publish' && action !== 'list' && action !== 'revoke')
    throw new StartupError(`documents: expected publish, list or revoke\nusage: plantgraph ${DOCUMENTS_USAGE}`);
  if (action === 'publish') {
    const file = rest[0];
    if (!file || file.startsWith('--'))
      throw new StartupError(
        'documents publish: give the manifest file, e.g. "plantgraph documents publish persisted-query-manifest.json --scope partner:supplier"',
      );
    const scopes =
      option(rest, '--scope')
        ?.split(/[,\s]+/)
        .filter(Boolean) ?? [];
    if (scopes.length === 0)
      throw new StartupError('documents publish: give the scopes a partner needs to run these documents, e.g. --scope partner:supplier');
    const malformed = scopes.find((s) => !/^[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*$/i.test(s));
    if (malformed) throw new StartupError(`documents publish: --scope must look like partner:supplier, got "${malformed.slice(0, 40)}"`);
    const operations = await checkedManifest(path.resolve(file), path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql'));
    return withGatewayDatabase(env, async (database) => {
      await publishDocuments(database.db, operations, scopes);
      return [
        `published ${operations.length} document${operations.length === 1 ? '' : 's'} for ${scopes.join(' or ')}:`,
        ...operations.map((o) => `${o.id}\t${o.name}\t${o.type}`),
      ].join('\n');
    });
  }
  if (action === 'revoke' && !rest[0])
    throw new StartupError('documents revoke: give a document id (its SHA-256) or name (see "plantgraph documents list")');
  return withGatewayDatabase(env, async (database) => {
    if (action === 'list') {
      const rows = await listDocuments(database.db);
      if (rows.length === 0) return 'no partner documents';
      return rows
        .map((r) =>
          [
            r.id,
            r.name,
            r.type,
            r.scopes.join(','),
            r.publishedAt.toISOString(),
            r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active',
          ].join('\t'),
        )
        .join('\n');
    }
    const revoked = await revokeDocuments(database.db, rest[0]!);
    if (revoked.length === 0) throw new StartupError(`documents revoke: no active document with id or name "${rest[0]!.slice(0, 80)}"`);
    return `revoked ${revoked.join(', ')}`;
  });
}
