import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadGatewayConfig } from '../../gateway/config';
import { loadPerformanceConfig } from '../../gateway/performance';
import { loadSecurityConfig } from '../../gateway/security/config';
import { callerKeyFromEnv } from '../../platform/caller-header';
import { createLogger } from '../../platform/logger';
import { SYSTEM_NAMES, type SystemName } from '../../platform/systems';
import { loadSubgraphConfig } from '../../subgraphs/kit/config';
import { retryBudgetFromEnv } from '../../subgraphs/kit/outbox';

// Shared by the deployment tests (docker-compose.yml, k8s/): which variables the code reads.

const ROOT = path.join(__dirname, '..', '..');

/** The environment the Dockerfile's final stage sets (`ENV` lines), under every command. */
export function imageEnvironment(): Record<string, string> {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const image: Record<string, string> = {};
  for (const match of dockerfile.matchAll(/^ENV (.+)$/gm)) {
    for (const pair of match[1]!.split(/\s+/)) {
      const [key, value] = pair.split('=');
      image[key!] = value!;
    }
  }
  return image;
}

/** Every .ts file under the directories the build compiles. */
function sourceFiles(): string[] {
  const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) files.push(full);
    }
  };
  for (const dir of tsconfig.include) if (existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  return files;
}

let source: string | undefined;
const PER_SYSTEM = new RegExp(`^(${SYSTEM_NAMES.map((s) => s.toUpperCase()).join('|')})_(URL|TIMEOUT_MS)$`);

/** Whether the compiled code mentions a variable (per-system names are built from the registry). */
export function isReadByCode(name: string): boolean {
  source ??= sourceFiles()
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  return PER_SYSTEM.test(name) || source.includes(name);
}

/** Whether a variable is one of the optional per-system overrides (`ERP_TIMEOUT_MS`, …). */
export function isPerSystemOverride(name: string): boolean {
  return /_TIMEOUT_MS$/.test(name) && PER_SYSTEM.test(name);
}

type Loader = (env: NodeJS.ProcessEnv) => unknown;

/** The configuration modules a gateway process reads its environment through. */
export const GATEWAY_LOADERS: readonly Loader[] = [
  loadGatewayConfig,
  loadSecurityConfig,
  loadPerformanceConfig,
  (env) => createLogger('gateway', env),
];

/** The configuration modules a subgraph process reads its environment through. */
export function subgraphLoaders(system: SystemName): readonly Loader[] {
  return [(env) => loadSubgraphConfig(system, env), callerKeyFromEnv, retryBudgetFromEnv, (env) => createLogger(system, env)];
}

/**
 * The names `loaders` read from `env`, recorded by a proxy: each loader runs once with `env` and
 * once with nothing set (some reads happen only on one path); a loader that refuses an
 * environment has still read what it needed to decide.
 */
export function variablesRead(loaders: readonly Loader[], env: NodeJS.ProcessEnv): Set<string> {
  const names = new Set<string>();
  const record = (base: NodeJS.ProcessEnv) =>
    new Proxy(
      { ...base },
      {
        get: (target, key) => {
          if (typeof key === 'string') names.add(key);
          return target[key as string];
        },
        has: (target, key) => {
          if (typeof key === 'string') names.add(key);
          return key in target;
        },
      },
    );
  for (const load of loaders) {
    for (const base of [env, {}]) {
      try {
        load(record(base));
      } catch {
        // Refused: the names it read are recorded all the same.
      }
    }
  }
  return names;
}
