import path from 'node:path';
import { StartupError } from '../platform/listen';
import { SYSTEM_NAMES, type SystemName } from '../platform/systems';
import { loadReliabilityConfig, type ReliabilityConfig } from './reliability/policy';
import { loadUsageConfig, type UsageConfig } from './usage/config';

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** The composed supergraph the gateway serves; reloaded when the file changes. */
  readonly supergraphPath: string;
  /** `<SYSTEM>_URL` overrides of the subgraph URLs written in the supergraph. */
  readonly subgraphUrls: Readonly<Partial<Record<SystemName, string>>>;
  /** Timeouts, retries and breakers per subgraph (`SUBGRAPH_TIMEOUT_MS`, `SUBGRAPH_RETRIES`, …). */
  readonly reliability: ReliabilityConfig;
  /** How long a stopping gateway lets requests in flight finish before it cuts them (`SHUTDOWN_GRACE_MS`, default 10000). */
  readonly shutdownGraceMs: number;
  /** Where OpenTelemetry traces go (`OTEL_EXPORTER_OTLP_ENDPOINT`); no tracing when absent. */
  readonly otlpEndpoint?: string;
  /** The ops listener (`OPS_PORT`; `OPS_HOST`, default 127.0.0.1): `/ready` details and `/metrics` without a token; none when absent. */
  readonly ops?: { readonly host: string; readonly port: number };
  /** Usage recording (`USAGE`, default on; `USAGE_RETENTION`, default 30d). */
  readonly usage: UsageConfig;
}

/** Reads `OTEL_EXPORTER_OTLP_ENDPOINT`, the OTLP/HTTP collector's base URL. */
export function parseOtlpEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new StartupError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318, got "${raw}"`);
  }
  return raw;
}

/** Reads `SHUTDOWN_GRACE_MS`: how long a stopping process waits for requests in flight. */
export function parseShutdownGrace(env: NodeJS.ProcessEnv): number {
  const raw = env.SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return 10_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new StartupError(`SHUTDOWN_GRACE_MS must be a number of milliseconds, got "${raw}"`);
  return value;
}

/** Parses a TCP port from the environment, naming the variable when it is wrong. */
export function parsePort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartupError(`${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/** Reads `<SYSTEM>_URL` overrides, checking that each is an http(s) URL. */
export function subgraphUrlOverrides(env: NodeJS.ProcessEnv): Partial<Record<SystemName, string>> {
  const urls: Partial<Record<SystemName, string>> = {};
  for (const system of SYSTEM_NAMES) {
    const name = `${system.toUpperCase()}_URL`;
    const raw = env[name];
    if (!raw) continue;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new StartupError(`${name} must be a URL such as http://127.0.0.1:4001/graphql, got "${raw}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new StartupError(`${name} must be an http or https URL, got "${raw}"`);
    }
    urls[system] = raw;
  }
  return urls;
}

/** The gateway's configuration, from `env`; fails with every problem named. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return Object.freeze({
    port: parsePort(env, 'PORT', 4000),
    host: env.HOST || '127.0.0.1',
    supergraphPath: path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql'),
    subgraphUrls: Object.freeze(subgraphUrlOverrides(env)),
    reliability: loadReliabilityConfig(env),
    shutdownGraceMs: parseShutdownGrace(env),
    otlpEndpoint: parseOtlpEndpoint(env),
    ops: env.OPS_PORT ? Object.freeze({ host: env.OPS_HOST || '127.0.0.1', port: parsePort(env, 'OPS_PORT', 0) }) : undefined,
    usage: loadUsageConfig(env),
  });
}
