import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BEGIN_MARKER, END_MARKER, renderVariablesTable, VARIABLES_PAGE, withVariablesTable } from '../../cli/docs';
import { loadStartConfig } from '../../cli/start';
import { loadGatewayConfig } from '../../gateway/config';
import { loadPerformanceConfig } from '../../gateway/performance';
import { loadSecurityConfig } from '../../gateway/security/config';
import { loadUsageConfig } from '../../gateway/usage/config';
import { callerKeyFromEnv } from '../../platform/caller-header';
import { createLogger } from '../../platform/logger';
import { SYSTEM_NAMES } from '../../platform/systems';
import { NOT_SETTINGS, VARIABLES, type VariableReader } from '../../platform/variables';
import { loadSubgraphConfig } from '../../subgraphs/kit/config';
import { retryBudgetFromEnv } from '../../subgraphs/kit/outbox';
import { GATEWAY_LOADERS, subgraphLoaders, variablesRead } from '../support/environment';

const ROOT = path.join(__dirname, '..', '..');
// The code of the processes: what they read from the environment is configuration.
const SOURCE_DIRS = ['gateway', 'subgraphs', 'platform', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const sources = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).map((file) => ({
  file: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));

/** `const X = 'NAME'` anywhere in the sources, so that `env[X]` resolves to NAME. */
const constants = new Map<string, string>();
for (const { text } of sources) {
  for (const m of text.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*'([A-Z][A-Z0-9_]*)'/g)) constants.set(m[1]!, m[2]!);
}

/**
 * The names a source file reads from an environment object, by its spelling: `env.NAME`,
 * `env['NAME']`, `env[CONSTANT]`, a helper given `(env, 'NAME'`, and a name built per system
 * (`${system.toUpperCase()}_URL`, read as `<SYSTEM>_URL`).
 */
function namesReadIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\benv\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\benv\[\s*([A-Z][A-Z0-9_]*)\s*\]/g)) names.add(constants.get(m[1]!) ?? `(unresolved constant ${m[1]})`);
  for (const m of text.matchAll(/\(\s*env\s*,\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g)) names.add(m[1]!);
  if (/\bProcessEnv\b|process\.env/.test(text)) {
    for (const m of text.matchAll(/\$\{[^}`]*toUpperCase\(\)\}(_[A-Z][A-Z0-9_]*)`/g)) names.add(`<SYSTEM>${m[1]}`);
  }
  return names;
}

const PER_SYSTEM = new RegExp(`^(${SYSTEM_NAMES.map((s) => s.toUpperCase()).join('|')})(_[A-Z0-9_]+)$`);
/** ERP_TIMEOUT_MS → <SYSTEM>_TIMEOUT_MS; other names unchanged. */
const generic = (name: string) => name.replace(PER_SYSTEM, '<SYSTEM>$2');

/** The loaders the processes read their environment through; some names are only in their tables (`OUTBOX_MAX_ATTEMPTS`). */
const ALL_LOADERS = [...GATEWAY_LOADERS, ...SYSTEM_NAMES.flatMap(subgraphLoaders), loadStartConfig, loadUsageConfig];

const declared = new Map(VARIABLES.map((v) => [v.name, v]));

describe('the variables table of docs/operations.md', () => {
  it('declares each variable once, with a meaning and at least one reader', () => {
    expect(declared.size).toBe(VARIABLES.length);
    for (const v of VARIABLES) {
      expect(v.meaning.length).toBeGreaterThan(10);
      expect(v.readBy.length).toBeGreaterThan(0);
      expect(v.default !== undefined && v.defaultIs !== undefined).toBe(false);
    }
  });

  it('is the table generated from platform/variables.ts (run "npx plantgraph docs" when this fails)', () => {
    const page = readFileSync(path.join(ROOT, VARIABLES_PAGE), 'utf8');
    expect(page).toContain(BEGIN_MARKER);
    expect(page).toContain(END_MARKER);
    expect(page).toBe(withVariablesTable(page, renderVariablesTable()));
  });

  it('a stale table is told apart from a fresh one', () => {
    const page = readFileSync(path.join(ROOT, VARIABLES_PAGE), 'utf8');
    const without = renderVariablesTable(VARIABLES.filter((v) => v.name !== 'PORT'));
    expect(withVariablesTable(page, without)).not.toBe(page);
  });

  it('declares every variable the code reads', () => {
    const undeclared: string[] = [];
    for (const { file, text } of sources) {
      for (const name of namesReadIn(text)) {
        if (!declared.has(generic(name)) && !(name in NOT_SETTINGS)) undeclared.push(`${name} (${file})`);
      }
    }
    for (const name of variablesRead(ALL_LOADERS, {})) {
      if (/^[A-Z][A-Z0-9_]*$/.test(name) && !declared.has(generic(name)) && !(name in NOT_SETTINGS))
        undeclared.push(`${name} (read by a loader)`);
    }
    expect(undeclared).toEqual([]);
  });

  it('declares no variable that nothing reads', () => {
    const read = new Set(sources.flatMap(({ text }) => [...namesReadIn(text)].map(generic)));
    for (const name of variablesRead(ALL_LOADERS, {})) read.add(generic(name));
    expect(VARIABLES.map((v) => v.name).filter((name) => !read.has(name))).toEqual([]);
  });

  it('names the processes whose loaders read each variable', () => {
    const readers: [VariableReader, readonly ((env: NodeJS.ProcessEnv) => unknown)[]][] = [
      ['gateway', [...GATEWAY_LOADERS, loadUsageConfig]],
      ['subgraph', subgraphLoaders('erp')],
      // npm start builds the gateway and the subgraphs in-process, without their own config modules.
      [
        'start',
        [
          loadStartConfig,
          loadSecurityConfig,
          loadPerformanceConfig,
          loadUsageConfig,
          callerKeyFromEnv,
          retryBudgetFromEnv,
          (env) => createLogger('plantgraph', env),
        ],
      ],
    ];
    const missing: string[] = [];
    for (const [reader, loaders] of readers) {
      for (const name of variablesRead(loaders, {})) {
        if (name in NOT_SETTINGS || !/^[A-Z][A-Z0-9_]*$/.test(name)) continue;
        const variable = declared.get(generic(name));
        if (variable && !variable.readBy.includes(reader)) missing.push(`${name}: ${reader}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('declared defaults', () => {
  // Each loader, its result made comparable; a subgraph's needs a database to be valid at all.
  const BASE: NodeJS.ProcessEnv = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plantgraph_erp' };
  const LOADERS: readonly [string, (env: NodeJS.ProcessEnv) => unknown][] = [
    ['gateway', loadGatewayConfig],
    ['security', loadSecurityConfig],
    ['performance', loadPerformanceConfig],
    ['usage', loadUsageConfig],
    ['start', loadStartConfig],
    ['subgraph', (env) => loadSubgraphConfig('erp', env)],
    ['outbox relay', retryBudgetFromEnv],
    ['logger', (env) => createLogger('plantgraph', env).level],
  ];
  const outcome = (load: (env: NodeJS.ProcessEnv) => unknown, env: NodeJS.ProcessEnv) => {
    try {
      return { value: load(env) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };

  it('are what the loaders use: setting a variable to its declared default changes nothing', () => {
    const withDefault = VARIABLES.filter((v) => v.default !== undefined && !v.name.includes('<'));
    expect(withDefault.length).toBeGreaterThan(30);
    const differ: string[] = [];
    for (const v of withDefault) {
      for (const [name, load] of LOADERS) {
        if (!variablesRead([load], BASE).has(v.name)) continue;
        const unset = outcome(load, BASE);
        const set = outcome(load, { ...BASE, [v.name]: v.default });
        if (JSON.stringify(unset) !== JSON.stringify(set)) differ.push(`${v.name}=${v.default} (${name} loader)`);
      }
    }
    expect(differ).toEqual([]);
  });
});

describe('reading variables from source', () => {
  it('finds each spelling the loaders use', () => {
    const text = [
      'const a = env.ALPHA_ONE;',
      "const b = env['BETA'];",
      'const c = env[CALLER_KEY_ENV];',
      "const d = parsePort(env, 'DELTA_PORT', 0);",
      'function f(env: NodeJS.ProcessEnv) { return env[`${system.toUpperCase()}_URL`]; }',
    ].join('\n');
    expect([...namesReadIn(text)].sort()).toEqual(['<SYSTEM>_URL', 'ALPHA_ONE', 'BETA', 'CALLER_SIGNING_KEY', 'DELTA_PORT']);
  });
});
