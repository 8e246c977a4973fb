// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DRIVERS = ['pg', 'kysely', 'node:sqlite', '@duckdb/node-api'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'packages/web/dist/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'packages/server/bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Domain modules, HTTP and CLI speak ports; database drivers stay behind storage/.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DRIVERS.map((name) => ({
            name,
            message: 'Database drivers are imported only under storage/: depend on the store port instead.',
          })),
        },
      ],
    },
  },
  {
    // Pure domain code must not reach into storage, HTTP or the CLI.
    files: ['packages/server/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DRIVERS.map((name) => ({
            name,
            message: 'Database drivers are imported only under storage/.',
          })),
          patterns: [
            {
              group: ['**/storage/**'],
              message: 'Modules depend on their -store.ts port; compose.ts wires the adapter.',
            },
            {
              group: ['**/http/**', '**/cli/**'],
              message: 'Modules are called by the edges, never the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/server/test/**/*.ts', 'packages/web/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
