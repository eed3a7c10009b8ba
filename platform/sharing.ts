import type { Caller } from './caller';
import { CALLER_HEADER, callerRightsOfHeader } from './caller-header';
import { REQUEST_ID_HEADER } from './http';

/**
 * The sharing rule: a query's answer may depend on the caller's rights (kind, roles, scopes, the
 * supplier or customer a partner is bound to), never on who the caller is. Every subgraph keeps it
 * (the subgraph kit makes the subject unreadable while a query runs, platform/caller.ts); the
 * gateway relies on it to share work between callers with the same rights: operation merging
 * (gateway/plugins/operation-merge.plugin.ts), fetch merging and batching (gateway/performance/).
 * Whatever decides whether two requests may share an answer is here.
 */

/**
 * Request headers whose value differs from request to request without changing the answer: the
 * request id, the trace context and the body's length. Two subgraph requests that differ only in
 * these may share one answer; every other header is part of what is compared.
 */
export const ANSWER_NEUTRAL_HEADERS: readonly string[] = Object.freeze([REQUEST_ID_HEADER, 'traceparent', 'tracestate', 'content-length']);

/**
 * How callers are told apart for sharing: equal strings, equal answers to the same query. The
 * gateway passes one that reads only the rights its rules name (`sharedRightsOf`); `rightsOf`
 * reads them all.
 */
export type RightsKey = (caller: Caller | undefined) => string;

/**
 * The rights a caller has, as a canonical string: what a query's answer may depend on. Equal
 * strings, equal answers to the same query.
 */
export function rightsOf(caller: Caller | undefined): string {
  if (!caller) return '';
  return JSON.stringify([
    caller.kind,
    [...caller.roles].sort(),
    [...caller.scopes].sort(),
    caller.supplierId ?? null,
    caller.customerId ?? null,
  ]);
}

const NEUTRAL = new Set(ANSWER_NEUTRAL_HEADERS);

/**
 * Whom a subgraph request is for and with which rights: its URL, its headers but the answer-neutral
 * ones, and, in place of the signed caller header (whose subject, nonce and expiry differ from
 * request to request), the rights it grants. Requests with the same audience key may share an answer.
 */
export function audienceKey(url: string, requestHeaders: Readonly<Record<string, string>> | undefined): string {
  let headers = '';
  let rights = '';
  for (const [name, value] of Object.entries(requestHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (lower === CALLER_HEADER) rights = callerRightsOfHeader(value);
    else if (!NEUTRAL.has(lower)) headers += `${lower}:${value}\n`;
  }
  return `${url}\n${rights}\n${headers}`;
}
