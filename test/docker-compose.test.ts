import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadGatewayConfig } from '../gateway/config';
import { loadSecurityConfig } from '../gateway/security/config';
import { loadLiveConfig } from '../gateway/subscriptions';
import { DEFAULT_CHANGE_CHANNEL } from '../platform/change-bus';
import { SYSTEM_NAMES, systemPort } from '../platform/systems';
import { loadSubgraphConfig } from '../subgraphs/kit/config';
import { imageEnvironment, isReadByCode } from './support/environment';

// js-yaml 3 ships no types; this is the one function the test needs.
const { load: loadYaml } = require('js-yaml') as { load: (text: string) => unknown };

const ROOT = path.join(__dirname, '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  stop_grace_period?: string;
}

const compose = loadYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };

/** What `docker compose` would pass, with the operator's required variables given test values. */
const OPERATOR_ENV: Record<string, string> = {
  CALLER_SIGNING_KEY: 'ab'.repeat(32),
  OIDC_ISSUER: 'https://login.example.com',
};

function interpolate(value: string | number): string {
  return String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, name: string, kind: string | undefined, rest: string) => {
    if (OPERATOR_ENV[name] !== undefined) return OPERATOR_ENV[name]!;
    if (kind === '?') throw new Error(`\${${name}} is required and has no test value`);
    return kind === '-' ? rest : '';
  });
}

/** A service's environment as its process sees it: the image's ENV, then the service's. */
function processEnv(service: Service): NodeJS.ProcessEnv {
  return { ...imageEnvironment(), ...Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)])) };
}

const running = Object.entries(services).filter(([, s]) => !s.profiles?.length);
const gateways = running.filter(([, s]) => s.command?.join(' ') === 'node dist/gateway/main.js');

describe('docker-compose.yml: the production topology', () => {
  it('has a service for every system in the registry, on its registry port, with its own database', () => {
    for (const system of SYSTEM_NAMES) {
      const service = services[system];
      expect(service?.command).toEqual(['node', `dist/subgraphs/${system}/index.js`]);
      const config = loadSubgraphConfig(system, processEnv(service!));
      expect(config.port).toBe(systemPort(4000, system));
      expect(config.host).toBe('0.0.0.0');
      const db = new URL(config.databaseUrl);
      expect(db.hostname).toBe('postgres');
      expect(db.pathname).toBe(`/plantgraph_${system}`);
      // Replicas of a system share the nonces of caller headers, or a header replays to another replica.
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(service!.depends_on?.redis?.condition).toBe('service_healthy');
    }
  });

  it('runs at least two gateway replicas that reach every subgraph by service name and share Redis', () => {
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    const hostPorts = new Set<string>();
    for (const [, service] of gateways) {
      const env = processEnv(service);
      const config = loadGatewayConfig(env);
      for (const system of SYSTEM_NAMES) {
        expect(config.subgraphUrls[system]).toBe(`http://${system}:${systemPort(4000, system)}/graphql`);
      }
      expect(existsSync(path.resolve(ROOT, env.SUPERGRAPH_PATH!))).toBe(true);
      expect(new URL(env.REDIS_URL!).hostname).toBe('redis');
      expect(config.reliability.defaults.timeoutMs).toBeGreaterThan(0);
      // Production refuses to start without an issuer and a signing key: the compose file passes both.
      const security = loadSecurityConfig(env);
      expect(security).toMatchObject({
        production: true,
        mode: 'jwt',
        callerKey: OPERATOR_ENV.CALLER_SIGNING_KEY,
        redisUrl: 'redis://redis:6379',
      });
      const [host, container] = service.ports![0]!.split(':');
      expect(Number(container)).toBe(config.port);
      hostPorts.add(host!);
      // Metrics and readiness details are on the ops listener, which is not published on the host.
      expect(config.ops?.port).toBeGreaterThan(0);
      expect(service.ports!.map((p) => p.split(':')[1])).not.toContain(String(config.ops?.port));
      // Docker's stop grace outlasts the gateway's own drain, so requests in flight are answered.
      expect(parseInt(service.stop_grace_period!, 10) * 1000).toBeGreaterThan(Number(env.SHUTDOWN_GRACE_MS));
    }
    expect(hostPorts.size).toBe(gateways.length);
  });

  it('delivers change events from every system to every gateway, and lets a gateway end its live subscriptions before Docker kills it', () => {
    for (const [name, service] of gateways) {
      const env = processEnv(service);
      const live = loadLiveConfig(env);
      expect(live.redisUrl).toBe('redis://redis:6379');
      for (const system of SYSTEM_NAMES) {
        const subgraph = processEnv(services[system]!);
        expect(subgraph.REDIS_URL).toBe(live.redisUrl);
        expect(`${system}: ${subgraph.CHANGE_EVENTS_CHANNEL || DEFAULT_CHANGE_CHANNEL}`).toBe(`${system}: ${live.channel}`);
      }
      // Every variable the live configuration reads can be set from the operator's environment.
      for (const variable of ['LIVE_MAX_SUBSCRIPTIONS', 'LIVE_MAX_EVENTS_PER_SECOND', 'LIVE_BUFFER', 'CHANGE_EVENTS_CHANNEL'])
        expect(`${name}: ${String(service.environment?.[variable] ?? 'unset')}`).toMatch(new RegExp(`^${name}: \\$\\{${variable}:-`));
      // On SIGTERM: subscriptions complete, each WebSocket is closed (a silent peer is cut after
      // 2 s), then requests in flight drain for SHUTDOWN_GRACE_MS; Docker's grace outlasts all three.
      expect(parseInt(service.stop_grace_period!, 10) * 1000).toBeGreaterThan(2_000 + Number(env.SHUTDOWN_GRACE_MS));
    }
  });

  it('passes only environment variables that the code reads', () => {
    for (const [name, service] of running.filter(([, s]) => s.build)) {
      for (const key of Object.keys(service.environment ?? {})) {
        const known = isReadByCode(key);
        expect(known ? key : `${name}: ${key} is read nowhere in the code`).toBe(key);
      }
    }
  });

  it('gives every service a health check and a restart policy, and depends only on services that exist', () => {
    for (const [name, service] of running) {
      expect(service.healthcheck?.test?.length ? name : `${name} has no health check`).toBe(name);
      expect(service.restart).toBe('unless-stopped');
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services)).toContain(dependency);
    }
    // Node services probe their own /ready on their own port.
    for (const [, service] of running.filter(([, s]) => s.build)) {
      expect(service.healthcheck!.test.join(' ')).toContain("'/ready'");
      expect(processEnv(service).PORT).toMatch(/^\d+$/);
    }
  });

  it('runs commands that exist in the build output, built from sources the Dockerfile copies', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+) \.\/\S*$/gm)].map((m) => m[1]!);
    for (const dir of tsconfig.include) expect(copied).toContain(dir);
    for (const [, service] of Object.entries(services).filter(([, s]) => s.build)) {
      const script = service.command![1]!;
      // dist/x/y.js is compiled from x/y.ts; bin/ is copied as is and loads dist/cli/main.js.
      const source = script.startsWith('dist/') ? script.replace(/^dist\//, '').replace(/\.js$/, '.ts') : script;
      expect(existsSync(path.join(ROOT, source)) ? source : `${source} is missing`).toBe(source);
      expect(copied).toContain(source.split('/')[0]);
      const built = script.startsWith('dist/') ? script : 'dist/cli/main.js';
      expect(existsSync(path.join(ROOT, built)) ? built : `${built} is not in the build output (npm run build)`).toBe(built);
    }
  });
});
