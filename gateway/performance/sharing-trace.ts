import { propagation, ROOT_CONTEXT, trace, type Link, type SpanContext } from '@opentelemetry/api';
import type { FetcherRequestInit } from '@apollo/utils.fetcher';

// The gateway's tracer (observability/tracing.ts registers the provider; without it every span is a no-op).
const TRACER = 'plantgraph-gateway';

/** The span context a request's `traceparent` carries; none without tracing. */
function spanContextOf(init: FetcherRequestInit): SpanContext | undefined {
  if (!init.headers?.traceparent) return undefined;
  return trace.getSpanContext(propagation.extract(ROOT_CONTEXT, init.headers));
}

/** A span for one combined subgraph request, linked to the span of every operation it carries. */
export function traceBatch(system: string, members: readonly FetcherRequestInit[]): void {
  const links: Link[] = [];
  for (const member of members) {
    const context = spanContextOf(member);
    if (context) links.push({ context });
  }
  if (!links.length) return;
  trace
    .getTracer(TRACER)
    .startSpan(
      'subgraph batch',
      { links, attributes: { 'plantgraph.system': system, 'plantgraph.batch.size': members.length } },
      ROOT_CONTEXT,
    )
    .end();
}

/** A span in the follower's trace saying its fetch was answered by the leader's, linked to it. */
export function traceMergedFetch(system: string, follower: FetcherRequestInit, leader: FetcherRequestInit): void {
  const own = spanContextOf(follower);
  if (!own) return;
  const shared = spanContextOf(leader);
  trace
    .getTracer(TRACER)
    .startSpan(
      'subgraph fetch merged',
      { links: shared ? [{ context: shared }] : [], attributes: { 'plantgraph.system': system } },
      trace.setSpanContext(ROOT_CONTEXT, own),
    )
    .end();
}
