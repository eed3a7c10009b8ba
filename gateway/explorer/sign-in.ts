/**
 * The explorer's sign-in against the plant's identity provider: the gateway reads the issuer's
 * OpenID Connect discovery document and hands the page what its script needs (endpoints, the
 * public client id, scopes, the resource), and the page's Content-Security-Policy lets the
 * script reach the token endpoint. The code flow with PKCE itself runs in the browser.
 */

export interface ExplorerSignInOptions {
  /** `OIDC_ISSUER`: discovery is read from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** `OIDC_CLIENT_ID`: a public client (no secret) whose redirect URI is the explorer page. */
  clientId: string;
  /** `OIDC_SCOPES`, space-separated. */
  scopes: string;
  /** `OIDC_AUDIENCE`: sent as the resource indicator (RFC 8707) when it is an absolute URI. */
  audience: string;
  /**
   * How long a discovery document is trusted before it is read again, in ms.
   * @default 600_000
   */
  cacheMs?: number;
  /**
   * How long a failed discovery is remembered before it is tried again, in ms.
   * @default 10_000
   */
  retryMs?: number;
  /**
   * Longest wait for the discovery document, in ms.
   * @default 5_000
   */
  timeoutMs?: number;
  /** For tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** What the page's script is given (JSON in the page): the provider's metadata as oauth4webapi reads it, and the client. */
export interface SignInPageConfig {
  readonly clientId: string;
  readonly scope: string;
  /** The resource indicator asked for, when the audience is an absolute URI. */
  readonly resource?: string;
  /** Authorization server metadata (names as in the discovery document). */
  readonly server: {
    readonly issuer: string;
    readonly authorization_endpoint: string;
    readonly token_endpoint: string;
    readonly end_session_endpoint?: string;
    readonly authorization_response_iss_parameter_supported?: boolean;
  };
  /** True when the provider is reached over plain HTTP on this machine (a test provider): the browser library refuses http otherwise. */
  readonly loopbackHttp: boolean;
}

export type SignInDiscovery = { ok: true; config: SignInPageConfig } | { ok: false; reason: string };

export interface ExplorerSignIn {
  /** The page's sign-in settings from the (cached) discovery document, or why there are none now. */
  discover(): Promise<SignInDiscovery>;
}

function absoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value);
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** An endpoint from the discovery document: an https URL, or http on this machine; anything else is a reason. */
function endpoint(
  doc: Record<string, unknown>,
  name: string,
  required: boolean,
): { ok: true; url?: string } | { ok: false; reason: string } {
  const value = doc[name];
  if (value === undefined && !required) return { ok: true };
  if (typeof value !== 'string' || !URL.canParse(value)) {
    return {
      ok: false,
      reason: `the discovery document's ${name} must be a URL, got ${value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 60)}`,
    };
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && !isLoopbackHttp(url))
    return { ok: false, reason: `the discovery document's ${name} must be https, got ${value.slice(0, 60)}` };
  return { ok: true, url: value };
}

/** Reads discovery into the page's settings; every problem is named. */
export function signInConfigFrom(
  doc: unknown,
  options: Pick<ExplorerSignInOptions, 'issuer' | 'clientId' | 'scopes' | 'audience'>,
): SignInDiscovery {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, reason: 'the discovery document is not a JSON object' };
  const metadata = doc as Record<string, unknown>;
  if (metadata.issuer !== options.issuer) {
    return {
      ok: false,
      reason: `the discovery document names issuer ${JSON.stringify(metadata.issuer).slice(0, 80)}, expected ${options.issuer} (OIDC_ISSUER)`,
    };
  }
  const authorization = endpoint(metadata, 'authorization_endpoint', true);
  if (!authorization.ok) return authorization;
  const token = endpoint(metadata, 'token_endpoint', true);
  if (!token.ok) return token;
  const endSession = endpoint(metadata, 'end_session_endpoint', false);
  if (!endSession.ok) return endSession;
  const methods = metadata.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) {
    return {
      ok: false,
      reason: `the provider does not offer PKCE with S256 (code_challenge_methods_supported: ${JSON.stringify(methods).slice(0, 60)})`,
    };
  }
  const server = {
    issuer: options.issuer,
    authorization_endpoint: authorization.url!,
    token_endpoint: token.url!,
    ...(endSession.url ? { end_session_endpoint: endSession.url } : {}),
    ...(metadata.authorization_response_iss_parameter_supported === true ? { authorization_response_iss_parameter_supported: true } : {}),
  };
  return {
    ok: true,
    config: {
      clientId: options.clientId,
      scope: options.scopes,
      ...(absoluteUri(options.audience) ? { resource: options.audience } : {}),
      server,
      loopbackHttp: [server.authorization_endpoint, server.token_endpoint].some((u) => isLoopbackHttp(new URL(u))),
    },
  };
}

/** The origins the page's script must be allowed to fetch from (`connect-src`): the token endpoint's. */
export function signInConnectSources(config: SignInPageConfig): string[] {
  return [new URL(config.server.token_endpoint).origin];
}

/** Discovery for the explorer's sign-in, read when a page is first asked for and cached; a provider that is down delays sign-in, not the gateway. */
export function createExplorerSignIn(options: ExplorerSignInOptions): ExplorerSignIn {
  const { cacheMs = 600_000, retryMs = 10_000, timeoutMs = 5_000 } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let cached: { result: SignInDiscovery; until: number } | undefined;
  let inFlight: Promise<SignInDiscovery> | undefined;

  const read = async (): Promise<SignInDiscovery> => {
    try {
      const response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok)
        return { ok: false, reason: `the identity provider's discovery document at ${url} answered HTTP ${response.status}` };
      return signInConfigFrom(await response.json(), options);
    } catch (err) {
      return {
        ok: false,
        reason: `the identity provider's discovery document at ${url} could not be read (${(err as Error).message.slice(0, 120)})`,
      };
    }
  };

  return {
    discover() {
      if (cached && cached.until > Date.now()) return Promise.resolve(cached.result);
      inFlight ??= read().then((result) => {
        cached = { result, until: Date.now() + (result.ok ? cacheMs : retryMs) };
        inFlight = undefined;
        return result;
      });
      return inFlight;
    },
  };
}

/** The explorer's sign-in from the gateway's security settings: present when `OIDC_CLIENT_ID` and `OIDC_ISSUER` are set. */
export function explorerSignInFromConfig(config: {
  issuer?: string;
  clientId?: string;
  scopes: string;
  audience: string;
}): ExplorerSignIn | undefined {
  if (!config.issuer || !config.clientId) return undefined;
  return createExplorerSignIn({ issuer: config.issuer, clientId: config.clientId, scopes: config.scopes, audience: config.audience });
}
