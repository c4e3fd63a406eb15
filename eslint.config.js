// Lint rules: strict TypeScript, React hooks, and the folder boundaries from the architecture.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
    // Pure domain and synth code: no DOM, React, tfjs or idb.
    files: ['src/domain/**/*.ts', 'src/synth/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            '@tensorflow/*',
            'idb',
            '*/inference/*',
            '*/store/*',
            '*/features/*',
          ],
        },
      ],
    },
  },
  {
    // Only src/inference imports tfjs, only src/store imports idb.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/inference/**', 'src/store/**', 'src/domain/**', 'src/synth/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@tensorflow/*', 'idb'] }],
    },
  },
);
