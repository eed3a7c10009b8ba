import type { IncomingMessage } from 'node:http';
import type { GatewaySecurityOptions } from '../security';
import { isPartnerCaller } from '../security/caller';
import { createTokenVerifier } from '../security/jwt';

export type AccessResult = { ok: true } | { ok: false; status: number; code: string; message: string };

/** Decides whether a request may use the explorer's planner and authority data. */
export type ExplorerAuthorize = (req: IncomingMessage) => Promise<AccessResult>;

/**
 * The planner answers for any document against the whole API schema, so it is for the users the
 * gateway authenticates (analysts), not partners, whose view is the partner contract alone.
 */
export function explorerAccess(security: Pick<GatewaySecurityOptions, 'mode' | 'issuer'>): ExplorerAuthorize {
  if (security.mode === 'none' || !security.issuer) return async () => ({ ok: true });
  const verify = createTokenVerifier(security.issuer);
  return async (req) => {
    const header = String(req.headers.authorization ?? '');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      if (req.headers['x-api-key']) {
        return { ok: false, status: 403, code: 'FORBIDDEN', message: 'the explorer is for users; partner systems query the partner contract at POST /graphql' };
      }
      return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'authentication required: send "Authorization: Bearer <token>"' };
    }
    const result = await verify(token);
    if (!result.ok) return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: result.message };
    if (isPartnerCaller(result.caller)) {
      return { ok: false, status: 403, code: 'FORBIDDEN', message: 'the explorer is for internal users; a partner sees the partner contract only' };
    }
    return { ok: true };
  };
}
