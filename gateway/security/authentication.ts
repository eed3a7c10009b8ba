import type { IncomingMessage } from 'node:http';
import type { Caller } from '../../platform/caller';
import { createCallerVerifier, GATEWAY_AUDIENCE } from '../../platform/caller-header';
import { UNAUTHENTICATED_CALLER } from './caller';
import { gatewayError } from './errors';
import type { TokenResult } from './jwt';

export interface AuthOptions {
  /**
   * `none` accepts every request as an anonymous caller; only for measuring and testing.
   * @default 'jwt'
   */
  mode?: 'jwt' | 'none';
  /** Verifies `Authorization: Bearer <JWT>`. */
  verifyToken?: (token: string) => Promise<TokenResult>;
  /** Finds the partner of `x-api-key`; absent when the gateway has no partner database. */
  verifyPartnerKey?: (key: string) => Promise<Caller | null>;
  /** The shared signing key, which also verifies `Authorization: Service <token>` of internal services. */
  callerKey: string;
}

type Outcome = { ok: true; caller: Caller } | { ok: false; message: string; status?: number };

export interface Authenticator {
  /** The caller of a request; throws a 401 GraphQLError naming what is wrong. */
  authenticate(req: IncomingMessage): Promise<Caller>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/**
 * Authenticates every request (user JWT, partner API key or service token) while the context is
 * built: before parsing, so an unauthenticated caller costs no more than a signature check.
 */
export function createAuthenticator(options: AuthOptions): Authenticator {
  const verifyService = createCallerVerifier({ key: options.callerKey, audience: GATEWAY_AUDIENCE });

  async function authenticate(authorization: string | undefined, apiKey: string | undefined): Promise<Outcome> {
    if (apiKey) {
      if (!options.verifyPartnerKey) return { ok: false, message: 'this gateway accepts no partner API keys (it has no partner database)' };
      let caller: Caller | null;
      try {
        caller = await options.verifyPartnerKey(apiKey);
      } catch {
        return { ok: false, status: 503, message: 'cannot check API keys now: the gateway database does not answer' };
      }
      return caller ? { ok: true, caller } : { ok: false, message: 'the API key is not valid or has been revoked' };
    }
    if (!authorization) {
      return {
        ok: false,
        message: 'authentication required: send "Authorization: Bearer <token>" (a user) or "x-api-key: <key>" (a partner)',
      };
    }
    const [scheme, credential] = authorization.trim().split(/\s+/, 2);
    if (/^bearer$/i.test(scheme ?? '') && credential) {
      if (!options.verifyToken) return { ok: false, message: 'this gateway has no token issuer configured' };
      return options.verifyToken(credential);
    }
    if (/^service$/i.test(scheme ?? '') && credential) {
      const verified = verifyService(credential);
      return verified.ok && verified.caller.kind === 'service'
        ? verified
        : { ok: false, message: `the service token was rejected: ${verified.ok ? 'not a service' : verified.reason}` };
    }
    return { ok: false, message: 'the Authorization header must be "Bearer <token>"' };
  }

  return {
    async authenticate(req) {
      if (options.mode === 'none') return UNAUTHENTICATED_CALLER;
      const outcome = await authenticate(header(req, 'authorization'), header(req, 'x-api-key'));
      if (!outcome.ok) {
        throw outcome.status === 503
          ? gatewayError('AUTHENTICATION_UNAVAILABLE', 503, outcome.message)
          : gatewayError('UNAUTHENTICATED', 401, outcome.message);
      }
      return outcome.caller;
    },
  };
}
