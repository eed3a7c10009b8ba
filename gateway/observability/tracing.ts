import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { REQUEST_ID_HEADER } from '../../platform/http';
import type { SendHook } from '../subgraph-data-source';
import { tracingPlugin } from '../plugins/tracing.plugin';

export interface GatewayTracingOptions {
  /**
   * OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`.
   * Ignored when `exporter` is given.
   */
  endpoint?: string;
  /** Where spans go instead of OTLP (tests give an in-memory exporter). */
  exporter?: SpanExporter;
  /**
   * The `service.name` of every span.
   * @default 'plantgraph-gateway'
   */
  serviceName?: string;
}

export interface GatewayTracing {
  /** Names the operation on the request's span and marks it failed when the answer has errors (plugins/tracing.plugin.ts). */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /** Runs one HTTP request inside its server span, continuing the caller's `traceparent`. */
  wrap(req: IncomingMessage, res: ServerResponse, next: () => Promise<void>): Promise<void>;
  /** Adds `traceparent` to each subgraph request, so subgraph spans join the gateway's trace. */
  readonly propagate: SendHook;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

const TRACER = 'plantgraph-gateway';

/**
 * OpenTelemetry traces for the gateway: a server span per HTTP request, under which
 * `@apollo/gateway` records its own spans (`gateway.request`, `gateway.plan`, `gateway.fetch`, …),
 * and trace context carried to the subgraphs. Registers the process-wide tracer provider.
 */
export function createGatewayTracing(options: GatewayTracingOptions): GatewayTracing {
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${(options.endpoint ?? '').replace(/\/$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': options.serviceName ?? 'plantgraph-gateway' }),
    // An exporter given in-process (tests) sees each span as it ends; OTLP batches.
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  const tracer = trace.getTracer(TRACER);

  return {
    async wrap(req, res, next) {
      const parent = propagation.extract(context.active(), req.headers);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const span = tracer.startSpan(
        `${req.method} ${url.pathname}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': req.method ?? 'GET',
            'url.path': url.pathname,
            'plantgraph.request_id': String(req.headers[REQUEST_ID_HEADER] ?? ''),
          },
        },
        parent,
      );
      res.once('finish', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      await context.with(trace.setSpan(parent, span), next);
    },
    plugin: tracingPlugin(),
    propagate(options) {
      const headers = options.request.http?.headers;
      if (!headers) return;
      propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
