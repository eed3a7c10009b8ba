import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDevIssuer } from '../gateway/security/dev-issuer';
import { defaultPartnerScopes } from '../gateway/security/partners/store';
import { ROOT } from './processes';

/**
 * The benchmark's authenticated callers (`--callers N`): a token issuer made for the run, its
 * public key set in a file this gateway reads, and one user token per caller.
 */

/**
 * `--rights`: `same` gives every caller the same roles; `distinct` adds to each a scope of its own
 * that no rule names, so the gateway cannot merge their queries at the front door, while the
 * subgraphs, told only the rights some rule names, see the same rights and fetches can be shared.
 */
export type Rights = 'same' | 'distinct';

/**
 * Roles of every benchmark user. `finance` lets them read the fields the questions ask that
 * `@authorized(roles: ["finance"])` guards (credit limit, standard cost, count variance value),
 * so that no answer carries a FORBIDDEN error; `planner` is an ordinary role beside it.
 */
export const BENCH_ROLES: readonly string[] = ['finance', 'planner'];

export interface BenchCallers {
  /** What makes this gateway verify the run's tokens: `AUTH_MODE=jwt` and the `OIDC_*` settings. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  /** `Bearer <token>` of caller i at index i (subject `bench-user-<i+1>`). */
  readonly authorizations: readonly string[];
  /** Removes the run's signing key. */
  dispose(): void;
}

/** The scopes of caller `n` (1-based): one naming the caller, which no rule names, when rights are distinct; none otherwise. */
function scopesOf(n: number, rights: Rights): string[] {
  return rights === 'distinct' ? [`bench:user-${n}`] : [];
}

/**
 * Creates a fresh ES256 key under `.data/bench-run/`, writes its key set for `OIDC_JWKS_FILE` and
 * mints `count` tokens with distinct subjects: users with `BENCH_ROLES`, or with `partner` (a
 * supplier id) users of that supplier, with a partner key's default scopes and claim `supplier_id`. A key of its own per run means no token of an
 * earlier run, and no development token, is accepted by the measured gateway.
 */
export async function createBenchCallers(count: number, rights: Rights, partner: string | null = null): Promise<BenchCallers> {
  const parent = path.join(ROOT, '.data', 'bench-run');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'issuer-'));
  try {
    const issuer = await loadDevIssuer(dir, { issuer: `urn:plantgraph:bench-run:${randomUUID()}` });
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(issuer.jwks));
    const authorizations: string[] = [];
    for (let n = 1; n <= count; n++) {
      // Long enough for a run at every scale; the key is deleted when the run ends anyway.
      const token = partner
        ? await issuer.mint({
            subject: `bench-partner-${n}`,
            scopes: [...defaultPartnerScopes({ supplierId: partner }), ...scopesOf(n, rights)],
            supplierId: partner,
            expiresIn: '24h',
          })
        : await issuer.mint({ subject: `bench-user-${n}`, roles: BENCH_ROLES, scopes: scopesOf(n, rights), expiresIn: '24h' });
      authorizations.push(`Bearer ${token}`);
    }
    return {
      gatewayEnv: { AUTH_MODE: 'jwt', OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.audience, OIDC_JWKS_FILE: jwksFile },
      authorizations,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
