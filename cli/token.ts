import path from 'node:path';
import { StartupError } from '../platform/listen';
import { isKnownRole, isRelayRole, USER_ROLES } from '../platform/roles';
import { loadDevIssuer } from '../gateway/security/dev-issuer';
import { devIssuerDir } from '../gateway/security/setup';
import { option } from './options';

function list(value: string | undefined): string[] {
  return value ? value.split(/[,\s]+/).filter(Boolean) : [];
}

export const TOKEN_USAGE = 'token --role R[,R2] [--scopes S,S2] [--supplier V00001] [--customer C00001] [--subject ID] [--expires 8h]';

/** `plantgraph token`: a development JWT from the local issuer (the key under DATA_DIR that `npm start` trusts). */
export async function token(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.NODE_ENV === 'production')
    throw new StartupError('token: the development issuer is not for production; get tokens from your OIDC issuer');
  const roles = list(option(args, '--role') ?? option(args, '--roles'));
  if (!roles.length)
    throw new StartupError(
      `token: --role is required, e.g. --role planner\nusage: plantgraph ${TOKEN_USAGE}\nroles: ${Object.keys(USER_ROLES).join(', ')}`,
    );
  const relay = roles.find(isRelayRole);
  if (relay)
    throw new StartupError(
      `token: "${relay}" is a relay's role, held only by that relay's service identity; a user's token with it would be refused`,
    );
  const unknown = roles.find((r) => !isKnownRole(r));
  if (unknown)
    throw new StartupError(
      `token: no rule names the role "${unknown.slice(0, 40)}"; expected one of ${Object.keys(USER_ROLES).join(', ')}`,
    );
  const issuer = await loadDevIssuer(devIssuerDir(path.resolve(env.DATA_DIR || '.data')), { audience: env.OIDC_AUDIENCE || undefined });
  return issuer.mint({
    roles,
    scopes: list(option(args, '--scopes')),
    supplierId: option(args, '--supplier'),
    customerId: option(args, '--customer'),
    subject: option(args, '--subject'),
    expiresIn: option(args, '--expires'),
  });
}
