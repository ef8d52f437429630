// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The architecture's dependency rule, enforced: core has no I/O, sdk sees only core types. */
const coreImports = {
  patterns: [
    { group: ['node:*', 'fs', 'path', 'crypto', 'net', 'http'], message: 'src/core has no I/O: inject a port instead.' },
    { group: ['**/adapters/**', '**/http/**', '**/cli/**', '**/config.js', '**/registry.js'], message: 'src/core imports only src/core.' },
    {
      group: [
        'fastify*',
        '@fastify/*',
        'kysely',
        'better-sqlite3',
        'pg',
        'ioredis',
        'pino',
        'maxmind',
        'bowser',
        '@node-rs/*',
        'prom-client',
      ],
      message: 'src/core has no frameworks or drivers.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'web/dist/', 'node_modules/', 'data/', 'coverage/', '.reports/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/core/**/*.ts'], ignores: ['src/core/**/*.test.ts'], rules: { 'no-restricted-imports': ['error', coreImports] } },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', '**/cli/**'], message: 'adapters import only core and drivers.' }] },
      ],
    },
  },
  {
    files: ['src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/adapters/**', '**/http/**', '**/cli/**', '**/config.js'], message: 'the SDK sees core types only.' }] },
      ],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**'], message: 'web/ talks to the server through its HTTP API only (web/src/api.ts).' }] },
      ],
    },
  },
  {
    // Settings are read in one place, validated together and passed down (the SDK takes options).
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'src/config.ts is the only reader of the environment: pass a setting down.' },
      ],
    },
  },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
