import { StartupError } from '../platform/listen';
import { createPartnerKey, listPartnerKeys, revokePartnerKey } from '../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes } from '../gateway/security/partners/store';
import { withGatewayDatabase } from './gateway-database';
import { option } from './options';

export const PARTNER_USAGE = `partner create --supplier V00001 | --customer C00001 [--scopes S,S2]
  partner list
  partner revoke <id>`;

/** `plantgraph partner …`: partner API keys in the gateway database; `create` returns the key, shown only then. */
export async function partner(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [action, ...rest] = args;
  if (action !== 'create' && action !== 'list' && action !== 'revoke')
    throw new StartupError(`partner: expected create, list or revoke\nusage: plantgraph ${PARTNER_USAGE}`);
  const supplierId = option(rest, '--supplier');
  const customerId = option(rest, '--customer');
  if (action === 'create') {
    if (Boolean(supplierId) === Boolean(customerId))
      throw new StartupError('partner create: give exactly one of --supplier V00001 or --customer C00001');
    if (supplierId && !/^V\d{5,}$/.test(supplierId))
      throw new StartupError(`partner create: --supplier must look like V00001, got "${supplierId}"`);
    if (customerId && !/^C\d{5,}$/.test(customerId))
      throw new StartupError(`partner create: --customer must look like C00001, got "${customerId}"`);
  }
  if (action === 'revoke' && !rest[0])
    throw new StartupError('partner revoke: give the key id, e.g. pk_0123456789ab (see "plantgraph partner list")');

  return withGatewayDatabase(env, async (database) => {
    if (action === 'create') {
      const scopes =
        option(rest, '--scopes')
          ?.split(/[,\s]+/)
          .filter(Boolean) ?? defaultPartnerScopes({ supplierId, customerId });
      const { key } = await createPartnerKey(database.db, { supplierId, customerId, scopes });
      return key;
    }
    if (action === 'list') {
      const rows = await listPartnerKeys(database.db);
      return rows
        .map((r) =>
          [
            r.id,
            r.supplierId ? `supplier ${r.supplierId}` : `customer ${r.customerId}`,
            r.scopes.join(','),
            r.createdAt.toISOString(),
            r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active',
          ].join('\t'),
        )
        .join('\n');
    }
    if (!(await revokePartnerKey(database.db, rest[0]!))) throw new StartupError(`partner revoke: no active key "${rest[0]}"`);
    return `revoked ${rest[0]}`;
  });
}
