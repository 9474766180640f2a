// Lint: typescript-eslint recommended (syntax only, no type information, so `npm run lint` stays
// fast) plus the architecture's one-way imports (see ARCHITECTURE.md, "Layout"):
//
//   core <- store <- stores/<driver>      runtime takes a Store instance, never a driver
//   runtime <- workflow <- server         only cli/ and testing/ (and user code) pick a driver
//   telemetry uses core (and store types) drivers never import each other
//
// Import specifiers are matched by path segment (`../store/types.js` has the segment `store`), so
// every rule below holds at any directory depth.
import { existsSync, readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Layers under src/; each is a directory name that appears as a segment in a relative import. */
const LAYERS = ['core', 'store', 'stores', 'runtime', 'workflow', 'telemetry', 'server', 'cli', 'testing'];
/** Store drivers under src/stores/ and the client libraries each one may load. */
const KNOWN_DRIVERS = { sqlite: ['better-sqlite3'], postgres: ['pg', 'pg-cursor', 'pg-pool'], redis: ['ioredis', 'redis'] };
/** Every directory under src/stores/ is a driver, including ones not listed above yet. */
const storesDir = new URL('./src/stores/', import.meta.url);
const presentDrivers = existsSync(storesDir)
  ? readdirSync(storesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  : [];
const DRIVERS = { ...Object.fromEntries(presentDrivers.map((name) => [name, []])), ...KNOWN_DRIVERS };
const DRIVER_LIBRARIES = Object.values(DRIVERS).flat();

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A relative specifier that passes through one of `segments`, e.g. `../../store/types.js`. */
const segmentRegex = (segments) => `^\\.{1,2}/(?:.*/)?(?:${segments.map(escape).join('|')})(?:/|$)`;
/** A bare specifier naming one of `packages` or a subpath of it. */
const packageRegex = (packages) => `^(?:${packages.map(escape).join('|')})(?:/|$)`;

function layerBan(from, banned, allowed) {
  return {
    regex: segmentRegex(banned),
    message: `${from} may import only ${allowed} (ARCHITECTURE.md: imports flow one way).`,
  };
}

function libraryBan(from, libraries) {
  return {
    regex: packageRegex(libraries),
    message: `${from} may not load a store driver's client library; only that driver (src/stores/<driver>) does.`,
  };
}

const except = (...kept) => LAYERS.filter((layer) => !kept.includes(layer));

/** One config object per directory; the `files` globs never overlap, so no rule is overridden. */
function importRules(files, patterns) {
  return {
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

const layerConfigs = [
  importRules(['src/*.ts'], [
    layerBan('src/index.ts (the `taskwright` entry)', ['stores', 'cli', 'testing'], 'core, store, runtime, workflow, telemetry'),
    libraryBan('src/index.ts', DRIVER_LIBRARIES),
  ]),
  importRules(['src/core/**/*.ts'], [
    layerBan('src/core', except('core'), 'core (pure domain, no I/O)'),
    libraryBan('src/core', DRIVER_LIBRARIES),
  ]),
  importRules(['src/store/**/*.ts'], [
    layerBan('src/store', except('core', 'store'), 'core'),
    libraryBan('src/store', DRIVER_LIBRARIES),
  ]),
  ...Object.entries(DRIVERS).map(([driver, libraries]) => {
    const others = Object.keys(DRIVERS).filter((name) => name !== driver);
    return importRules([`src/stores/${driver}/**/*.ts`], [
      layerBan(`src/stores/${driver}`, except('core', 'store', 'stores'), 'core and store'),
      {
        regex: segmentRegex(others),
        message: `src/stores/${driver} may not import another driver (${others.join(', ')}); share code through src/store.`,
      },
      libraryBan(`src/stores/${driver}`, DRIVER_LIBRARIES.filter((name) => !libraries.includes(name))),
    ]);
  }),
  importRules(['src/runtime/**/*.ts'], [
    layerBan('src/runtime', ['stores', 'workflow', 'server', 'cli', 'testing'], 'core, store and telemetry; it takes a Store instance, never a driver'),
    libraryBan('src/runtime', DRIVER_LIBRARIES),
  ]),
  importRules(['src/workflow/**/*.ts'], [
    layerBan('src/workflow', ['stores', 'server', 'cli', 'testing'], 'core, store, runtime and telemetry'),
    libraryBan('src/workflow', DRIVER_LIBRARIES),
  ]),
  importRules(['src/telemetry/**/*.ts'], [
    {
      regex: segmentRegex(['store']),
      allowTypeImports: true,
      message: 'src/telemetry may import store types only (`import type`).',
    },
    layerBan('src/telemetry', except('core', 'store', 'telemetry'), 'core (and store types)'),
    libraryBan('src/telemetry', DRIVER_LIBRARIES),
  ]),
  importRules(['src/server/**/*.ts'], [
    layerBan('src/server', ['stores', 'cli', 'testing'], 'core, store, runtime, workflow and telemetry; it uses the Engine facade'),
    libraryBan('src/server', DRIVER_LIBRARIES),
  ]),
  // src/cli and src/testing may import anything, including a driver.
];

/** Node's globals, for the plain .js/.mjs scripts (TypeScript checks its own files). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController',
    'AbortSignal', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'performance', 'fetch', 'globalThis',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      'dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.taskwright/**',
      'tmp/**',
      'bench/results/**',
      'bench/**/results/**',
      'web/dist/**',
      'src/stores/*/migrations/generated.ts',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `any` only where a line says why: `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reason`
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression > Literal[value=/^\\.{1,2}\\/.*\\bstores\\//]', message: 'Dynamic imports follow the same layering; pick a driver in cli/ or testing/.' },
      ],
    },
  },
  ...layerConfigs,
  {
    // Tests and CLI/testing helpers may pick a driver dynamically.
    files: ['src/cli/**', 'src/testing/**', 'test/**', 'bench/**', 'examples/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
