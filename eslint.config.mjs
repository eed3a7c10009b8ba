// ESLint: the recommended JavaScript and TypeScript rules, plus the boundaries between layers.
// Formatting is not linted here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SYSTEMS = ['erp', 'mes', 'crm', 'inventory', 'quality', 'audits'];

// Apollo's non-public APIs are reached only through gateway/apollo-internals (docs/apollo-internals.md).
const APOLLO_INTERNALS = {
  paths: [
    { name: '@apollo/federation-internals', message: 'internal to Apollo: import it from gateway/apollo-internals' },
    { name: '@apollo/query-planner', message: 'internal to Apollo: import it from gateway/apollo-internals' },
  ],
  patterns: [
    {
      group: ['@apollo/*/dist/*', '@apollo/*/dist/**'],
      message: "Apollo's dist modules are not public: reach them through gateway/apollo-internals",
    },
  ],
};

/** An import of another layer's folder, at any depth of relative path. */
const folder = (name, message) => ({ regex: `(^|/)${name}(/|$)`, message });

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'schema/**',
      '.data/**',
      'bench/results/**',
      'test/artifacts/**',
      'gateway/explorer/client/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...nodeGlobals() } },
    rules: {
      // The code types what it must: `any` marks JSON, Apollo's loosely typed hooks and Kysely's generic databases.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` marks an argument kept for a signature.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // type-graphql's decorators and the kit's registries take class constructors as `Function`.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Input checks reject control characters on purpose (subgraphs/kit/validation.ts).
      'no-control-regex': 'off',
      'no-restricted-imports': ['error', APOLLO_INTERNALS],
    },
  },
  {
    // CommonJS scripts (bin/plantgraph.js, jest.config.js), and tests loading modules without types (js-yaml 3).
    files: ['**/*.js', '**/*.cjs', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The gateway is built from the supergraph: it never imports a subgraph's code. The one
    // exception is the reconciliation subgraph, which the gateway answers in-process: it is built
    // with the subgraph kit's schema builder so that it composes under the same rules (federation
    // link, @authorized, bounded text inputs) as the six systems.
    files: ['gateway/**/*.ts'],
    ignores: ['gateway/authority/reconciliation/reconciliation.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...APOLLO_INTERNALS,
          patterns: [
            ...APOLLO_INTERNALS.patterns,
            folder('subgraphs', 'the gateway must not import subgraphs/ (docs/architecture.md#layers)'),
          ],
        },
      ],
    },
  },
  {
    files: ['gateway/authority/reconciliation/reconciliation.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...APOLLO_INTERNALS,
          patterns: [
            ...APOLLO_INTERNALS.patterns,
            {
              regex: '(^|/)subgraphs/(?!kit/schema$)',
              message: "the reconciliation subgraph may use the subgraph kit's schema builder only",
            },
          ],
        },
      ],
    },
  },
  {
    // What every process shares depends on no process.
    files: ['platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...APOLLO_INTERNALS,
          patterns: [
            ...APOLLO_INTERNALS.patterns,
            folder('(gateway|subgraphs|cli)', 'platform/ must not import gateway/, subgraphs/ or cli/'),
          ],
        },
      ],
    },
  },
  // A subgraph never imports another: subgraphs/<a>/ must not import subgraphs/<b>/.
  ...SYSTEMS.map((system) => ({
    files: [`subgraphs/${system}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...APOLLO_INTERNALS,
          patterns: [
            ...APOLLO_INTERNALS.patterns,
            folder(
              `(${SYSTEMS.filter((other) => other !== system).join('|')})`,
              `subgraphs/${system} must not import another subgraph; share through subgraphs/kit or platform/`,
            ),
            folder('(gateway|cli)', 'a subgraph must not import the gateway or the command line'),
          ],
        },
      ],
    },
  })),
  {
    // The fence and its canaries are where Apollo's internals may be imported.
    files: ['gateway/apollo-internals/**/*.ts', 'test/gateway/apollo-internals/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);

function nodeGlobals() {
  const names = [
    'process',
    'Buffer',
    'console',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'URL',
    'URLSearchParams',
    'fetch',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'structuredClone',
    'queueMicrotask',
    'require',
    'module',
    '__dirname',
    '__filename',
    'exports',
    'globalThis',
    'performance',
    'crypto',
    'Response',
    'Request',
    'Headers',
    'FormData',
    'Blob',
    'EventTarget',
    'Event',
    'WebSocket',
    'jest',
    'describe',
    'it',
    'test',
    'expect',
    'beforeAll',
    'beforeEach',
    'afterAll',
    'afterEach',
  ];
  return Object.fromEntries(names.map((n) => [n, 'readonly']));
}
