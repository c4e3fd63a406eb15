// Lint rules: strict TypeScript, React hooks, and the folder boundaries from the architecture.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Globals pure code must not touch: everything a browser page has that Node does not (window, document,
 * ImageData, createImageBitmap, indexedDB, ...) and the input/output both share (fetch, navigator, workers).
 * Pure code takes pixels and numbers as arguments, so it runs the same in a page, a worker, Node and a test.
 */
const NOT_IN_PURE_CODE = [
  ...new Set([
    ...Object.keys(globals.browser).filter((name) => !(name in globals.node) && !(name in globals.es2021)),
    'fetch',
    'navigator',
    'Worker',
    'XMLHttpRequest',
    'WebSocket',
  ]),
].map((name) => ({ name, message: 'Pure code gets its inputs as arguments: no browser or I/O globals.' }));

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-*',
      'dev-dist',
      'node_modules',
      'public',
      'test-results',
      'playwright-report',
      'training',
      'tests/.generated',
      '.cache',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Pure domain and synth code: no DOM, React, tfjs, idb, Node built-ins, or browser globals.
    files: ['src/domain/**/*.ts', 'src/synth/**/*.ts', 'src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...NOT_IN_PURE_CODE],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            '@tensorflow/*',
            'idb',
            'node:*',
            '*/inference/*',
            '*/store/*',
            '*/features/*',
            '*/app/*',
            '**/node',
            '**/node/*',
          ],
        },
      ],
    },
  },
  {
    // Node adapters and the command line reuse the core and the inference runtime, never a screen or the browser store.
    files: ['node/**/*.ts', 'cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['react', 'react-dom', 'idb', '**/features/*', '**/store/*', '**/app/*', '**/scripts/*'],
        },
      ],
    },
  },
  {
    // Only src/inference imports tfjs, only src/store imports idb; the browser app never imports a Node
    // adapter (it would not bundle) or a tool.
    files: ['src/**/*.{ts,tsx}'],
    ignores: [
      'src/inference/**',
      'src/store/**',
      'src/domain/**',
      'src/synth/**',
      'src/core/**',
      'src/**/*.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@tensorflow/*', 'idb', '**/node', '**/node/*', '**/scripts/*'] },
      ],
    },
  },
  {
    files: ['src/inference/**/*.ts', 'src/store/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/node', '**/node/*', '**/scripts/*'] }],
    },
  },
  {
    // Tests and specs share helpers in tests/helpers, src/ and node/, never a tool.
    files: ['tests/**/*.ts', 'src/**/*.test.ts', 'node/**/*.test.ts', 'cli/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/scripts/*'] }],
    },
  },
);
