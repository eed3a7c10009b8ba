import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/logger';
import { sendGraphQLError, sendJson } from '../../platform/http';
import { deriveAuthority, describeAuthority, mergeAuthority, readAuthorityFile, type AuthorityMap } from './authority-map';
import { escapeXml, renderAuthorityPage } from './authority-page';
import type { ExplorerAuthorize } from './access';
import { ASSETS_PATH, defaultAssetsDir, loadExplorerAssets, type ExplorerAssets } from './assets';
import { renderExplorerPage } from './page';
import { signInConnectSources, type ExplorerSignIn } from './sign-in';
import { createOperationPlanner, type OperationPlanner } from './plan';
import { readUsageSlices } from '../usage/usage.repository';
import { createSchemaFieldsCache, parseUsageQuery, summarizeUsage, USAGE_JSON_PATH } from './usage';

export interface ExplorerOptions {
  /** The gateway whose supergraph the explorer plans against and maps; subscribe before it starts. */
  gateway: ApolloGateway;
  logger: Logger;
  /**
   * The built explorer files (`npm run build` writes them).
   * @default dist/explorer under the project root
   */
  assetsDir?: string;
  /** `schema/authority.json`, when the supergraph comes from a file; owners are derived from the supergraph without it. */
  authorityFile?: string;
  /**
   * Headers the page sends with every request, e.g. a development token; given the request for
   * the page, so that it can decide who gets them.
   * @default no headers
   */
  headers?: (req: IncomingMessage) => Record<string, string> | Promise<Record<string, string>>;
  /**
   * Sign-in against the plant's identity provider (OpenID Connect code flow with PKCE, run by
   * the page); the page offers no sign-in without it.
   * @default none
   */
  signIn?: ExplorerSignIn;
  /**
   * Who may plan operations and read the authority map and its data (the page itself is public:
   * it holds no data).
   * @default everyone
   */
  authorize?: ExplorerAuthorize;
  /**
   * Path of the GraphQL endpoint the page queries.
   * @default '/graphql'
   */
  graphqlPath?: string;
  /**
   * Largest plan request body accepted.
   * @default 262_144
   */
  maxPlanBodyBytes?: number;
  /**
   * The gateway database usage is recorded in (`usage_fields`), read for the page's usage view.
   * @default none: the usage endpoint answers 503
   */
  usageDatabase?: Kysely<any>;
}

export interface Explorer {
  /** True when the request is the explorer's (a browser asking for /graphql, its assets, its endpoints). */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export const PLAN_PATH = '/explorer/plan';
export const AUTHORITY_JSON_PATH = '/explorer/authority.json';
export const AUTHORITY_PAGE_PATH = '/authority';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Scripts, styles and data only from the gateway itself: a plant without internet access loses
 * nothing. With sign-in, the page's script also talks to the identity provider's token endpoint
 * (the authorization endpoint is a navigation, which the policy does not restrict).
 */
function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // GraphiQL and CodeMirror position elements with inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function wantsHtml(req: IncomingMessage): boolean {
  return String(req.headers.accept ?? '').includes('text/html');
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendHtml(res: ServerResponse, status: number, html: string, connectSources?: readonly string[]): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-cache',
    'content-security-policy': contentSecurityPolicy(connectSources),
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

/**
 * The analysts' explorer: GraphiQL served offline at GET /graphql for browsers, a planner that
 * tells which systems an operation touches without running it, and the authority map.
 */
export function createExplorer(options: ExplorerOptions): Explorer {
  const { gateway, logger, graphqlPath = '/graphql', maxPlanBodyBytes = 262_144 } = options;
  const assetsDir = options.assetsDir ?? defaultAssetsDir();
  let assets: ExplorerAssets | undefined;
  let assetsProblem: string | undefined;

  const loadAssets = (): ExplorerAssets | undefined => {
    if (assets) return assets;
    const loaded = loadExplorerAssets(assetsDir);
    if (loaded.ok) {
      assets = loaded.assets;
      assetsProblem = undefined;
    } else if (loaded.reason !== assetsProblem) {
      assetsProblem = loaded.reason;
      logger.warn({ assetsDir }, loaded.reason);
    }
    return assets;
  };

  let supergraphSdl: string | undefined;
  let planner: { sdl: string; planner: OperationPlanner } | undefined;
  let authority: { key: string; map: AuthorityMap } | undefined;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    supergraphSdl = coreSupergraphSdl;
  });

  const schemaFields = createSchemaFieldsCache();

  const currentPlanner = (): OperationPlanner | undefined => {
    if (!supergraphSdl) return undefined;
    if (planner?.sdl !== supergraphSdl) planner = { sdl: supergraphSdl, planner: createOperationPlanner(supergraphSdl) };
    return planner.planner;
  };

  const currentAuthority = (): AuthorityMap | undefined => {
    if (!supergraphSdl) return undefined;
    let fileVersion = 'none';
    if (options.authorityFile) {
      try {
        fileVersion = String(statSync(options.authorityFile).mtimeMs);
      } catch {
        // Not written yet: the supergraph alone says who owns what.
      }
    }
    const key = `${createHash('sha1').update(supergraphSdl).digest('hex')}:${fileVersion}`;
    if (authority?.key !== key) {
      const declared = fileVersion !== 'none' && options.authorityFile ? readAuthorityFile(options.authorityFile) : undefined;
      authority = { key, map: mergeAuthority(deriveAuthority(supergraphSdl), declared) };
    }
    return authority.map;
  };

  /** Runs the access check; when refused, answers the request and returns false. */
  const admitted = async (req: IncomingMessage, res: ServerResponse, html = false): Promise<boolean> => {
    const access = (await options.authorize?.(req)) ?? { ok: true };
    if (access.ok) return true;
    req.resume();
    for (const [name, value] of Object.entries(access.headers ?? {})) res.setHeader(name, value);
    if (html) {
      sendHtml(
        res,
        access.status,
        `<!doctype html><title>Authority map</title><p>${escapeXml(access.message)}</p><p>Open the authority map from the explorer, which sends your token, or send <code>Authorization: Bearer &lt;token&gt;</code>.</p>`,
      );
    } else {
      sendGraphQLError(res, access.status, access.code, access.message);
    }
    return false;
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void> = {
    [`GET ${graphqlPath}`]: async (req, res) => {
      const built = loadAssets();
      if (!built) {
        // The details (paths on the server) are in the log; the page says what to do.
        return sendHtml(
          res,
          503,
          '<!doctype html><title>Explorer not built</title><p>The explorer is not built: run <code>npm run build</code>, then reload.</p>',
        );
      }
      const headers = (await options.headers?.(req)) ?? {};
      const signIn = await options.signIn?.discover();
      // Without discovery the page still opens (a pasted token works); the log says why.
      if (signIn && !signIn.ok) logger.warn({ reason: signIn.reason }, 'explorer sign-in is unavailable');
      sendHtml(
        res,
        200,
        renderExplorerPage(built, {
          endpoint: graphqlPath,
          planEndpoint: PLAN_PATH,
          authorityEndpoint: AUTHORITY_JSON_PATH,
          authorityPage: AUTHORITY_PAGE_PATH,
          usageEndpoint: USAGE_JSON_PATH,
          operations: built.manifest.operations,
          headers,
          ...(signIn
            ? {
                signIn: signIn.ok
                  ? signIn.config
                  : {
                      unavailable:
                        'Sign-in is unavailable: the identity provider cannot be reached. Try again in a minute, or paste a token in the Headers tab.',
                    },
              }
            : {}),
        }),
        signIn?.ok ? signInConnectSources(signIn.config) : [],
      );
    },
    [`POST ${PLAN_PATH}`]: async (req, res) => {
      if (!(await admitted(req, res))) return;
      let text: string;
      try {
        text = await readBody(req, maxPlanBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', `the plan request is larger than the limit of ${maxPlanBodyBytes} bytes`);
        }
        throw err;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return sendGraphQLError(
          res,
          400,
          'BAD_REQUEST',
          'the request body is not valid JSON; expected {"query": "...", "operationName": "..."}',
        );
      }
      const { query, operationName } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      if (typeof query !== 'string' || !query.trim()) {
        return sendGraphQLError(
          res,
          400,
          'BAD_USER_INPUT',
          `query: expected a GraphQL document as a string, got ${query === undefined ? 'nothing' : typeof query}`,
        );
      }
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
        return sendGraphQLError(res, 400, 'BAD_USER_INPUT', `operationName: expected a string, got ${typeof operationName}`);
      }
      const current = currentPlanner();
      if (!current) return sendGraphQLError(res, 503, 'SUPERGRAPH_NOT_LOADED', 'the gateway has not loaded a supergraph yet');
      const result = current.plan(query, operationName);
      if (!result.ok) return sendJson(res, 400, { errors: result.errors.map((e) => e.toJSON()) });
      sendJson(res, 200, { plan: result.plan });
    },
    [`GET ${AUTHORITY_JSON_PATH}`]: async (req, res) => {
      if (!(await admitted(req, res))) return;
      const map = currentAuthority();
      if (!map) return sendGraphQLError(res, 503, 'SUPERGRAPH_NOT_LOADED', 'the gateway has not loaded a supergraph yet');
      sendJson(res, 200, { ...map, fields: map.fields.map((f) => ({ ...f, note: describeAuthority(f) })) });
    },
    [`GET ${USAGE_JSON_PATH}`]: async (req, res, url) => {
      if (!(await admitted(req, res))) return;
      const query = parseUsageQuery(url.searchParams);
      if (!query.ok) return sendGraphQLError(res, 400, 'BAD_USER_INPUT', query.message);
      if (!options.usageDatabase)
        return sendGraphQLError(
          res,
          503,
          'USAGE_NOT_RECORDED',
          'this gateway has no database to read usage from (GATEWAY_DATABASE_URL or DATABASE_URL)',
        );
      if (!supergraphSdl) return sendGraphQLError(res, 503, 'SUPERGRAPH_NOT_LOADED', 'the gateway has not loaded a supergraph yet');
      const sdl = supergraphSdl;
      const rows = await readUsageSlices(options.usageDatabase, query);
      sendJson(res, 200, summarizeUsage(rows, schemaFields(sdl), query));
    },
    [`GET ${AUTHORITY_PAGE_PATH}`]: async (req, res) => {
      if (!(await admitted(req, res, true))) return;
      const map = currentAuthority();
      if (!map) return sendHtml(res, 503, '<!doctype html><title>Authority map</title><p>The gateway has not loaded a supergraph yet.</p>');
      sendHtml(res, 200, renderAuthorityPage(map));
    },
  };

  const serveAsset = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const name = url.pathname.slice(ASSETS_PATH.length);
    const asset = loadAssets()?.files.get(name);
    if (!asset) return sendJson(res, 404, { error: `no explorer asset ${name}` });
    const headers: Record<string, string | number> = {
      'content-type': asset.contentType,
      'cache-control': IMMUTABLE,
      etag: `"${name}"`,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (req.headers['if-none-match'] === `"${name}"`) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip : asset.body;
    res.writeHead(200, { ...headers, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    matches(req) {
      const method = (req.method ?? 'GET').toUpperCase();
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (pathname === graphqlPath) return method === 'GET' && wantsHtml(req);
      if (pathname.startsWith(ASSETS_PATH)) return method === 'GET' || method === 'HEAD';
      return `${method} ${pathname}` in routes;
    },
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      try {
        if (url.pathname.startsWith(ASSETS_PATH)) return serveAsset(req, res, url);
        const route = routes[`${method} ${url.pathname}`];
        if (!route) return sendJson(res, 404, { error: `no route for ${method} ${url.pathname}` });
        await route(req, res, url);
      } catch (err) {
        logger.error({ err: (err as Error).message, path: url.pathname }, 'explorer request failed');
        if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
        else res.end();
      }
    },
  };
}
