import type { IncomingMessage } from 'node:http';

/** Whether a request may use the explorer's data; when not, the answer it gets (`retry-after` on a 429). */
export type AccessResult = { ok: true } | { ok: false; status: number; code: string; message: string; headers?: Record<string, string> };

/**
 * Decides whether a request may use the explorer's planner and authority data. The gateway's
 * security answers it with the door of `/graphql` (authentication, failed-authentication and
 * request rate limits), for users only: a partner's view is the partner contract alone.
 */
export type ExplorerAuthorize = (req: IncomingMessage) => Promise<AccessResult>;
