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
    // Web storage is a Node global too (Node 22), and a worker's importScripts is in neither list above.
    'localStorage',
    'sessionStorage',
    'importScripts',
  ]),
].map((name) => ({ name, message: 'Pure code gets its inputs as arguments: no browser or I/O globals.' }));

/** Node's own globals: pure code runs in a page too, where they do not exist. */
const NODE_GLOBALS = [
  'process',
  'Buffer',
  'global',
  '__dirname',
  '__filename',
  'require',
  'module',
  'setImmediate',
].map((name) => ({ name, message: 'Pure code runs in a page too: no Node globals.' }));

/** Any bare module name (react, react-dom, @tensorflow/*, idb, node:*, ...): the core and synth import no package. */
/**
 * Pure format libraries the core may use: they parse bytes into values and touch no DOM, storage or I/O
 * (DICOM with dicom-parser, its RLE codec, deflate with fflate), so the DICOM stage is not hand-written.
 */
const PURE_PACKAGES = ['dicom-parser', 'dicom-rle', 'fflate', 'mp4box'];
const NO_PACKAGES = {
  regex: `^(?!(?:${PURE_PACKAGES.join('|')})$)[^.]`,
  message:
    'Pure code imports no package (React, @tensorflow/*, idb, node:*) except the pure format libraries in PURE_PACKAGES: it gets its inputs as arguments.',
};

/** A relative import that climbs `depth` folders or more, i.e. leaves the folder tree it is written for. */
const leaving = (depth, message) => ({ regex: `^(\\.\\./){${depth}}`, message });

const CORE_IS_CLOSED =
  'src/core imports only src/core: the app, node/, scripts/ and the tools import it, never the reverse.';

/** Outside src/core a stage is imported through its index.ts (`src/core/gate`), never a file inside it. */
const CORE_STAGE_INSIDES = {
  regex: '^(\\.\\.?/)+(src/)?core/[^/]+/(?!index(\\.ts)?$)[^/]+$',
  message: "Import a core stage through its index.ts (for example '../core/gate'), not a file inside it.",
};

/** What the browser app may not import outside src/inference and src/store: tfjs, idb, Node adapters, tools. */
const BROWSER_APP = [
  { group: ['@tensorflow/*', 'idb', '**/node', '**/node/*', '**/scripts/*'] },
  CORE_STAGE_INSIDES,
];
/** What no test or spec imports: a tool, or a core stage's insides. */
const IN_TESTS = [{ group: ['**/scripts/*'] }, CORE_STAGE_INSIDES];
const restrictImports = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/**
 * Screens do not know each other: a file in src/features/<screen>/ imports its own folder and the shared pieces
 * through src/features/shared/index.ts, never another screen (or the shared folder's insides). `depth` is how
 * many folders the file sits below src/features/<screen>/ (0 for the screen's own files).
 */
const SCREEN_IS_CLOSED =
  "A screen imports only its own folder and '../shared' (src/features/shared/index.ts), never another screen: move what both need into src/features/shared.";
const screenBoundary = (depth) => {
  const up = '\\.\\./'.repeat(depth + 1);
  return [
    { regex: `^${up}(?!\\.\\./)(?!shared(/index(\\.ts)?)?$)`, message: SCREEN_IS_CLOSED },
    // The same, climbing out of src/features and back in.
    { regex: `^(\\.\\./)+features/(?!shared(/index(\\.ts)?)?$)`, message: SCREEN_IS_CLOSED },
  ];
};

/** src/features/shared serves the screens and imports none of them; one shared part uses another through its index.ts. */
const SHARED_IS_CLOSED = 'src/features/shared imports no screen: the screens import it, never the reverse.';
const sharedBoundary = (depth) => [
  // From src/features/shared/<part>/ (depth 1), '../../x' is a screen; from src/features/shared/ (depth 0), '../x'.
  { regex: `^${'\\.\\./'.repeat(depth + 1)}(?!\\.\\./)`, message: SHARED_IS_CLOSED },
  { regex: '^(\\.\\./)+features/', message: SHARED_IS_CLOSED },
  ...(depth === 1
    ? [
        {
          regex: '^\\.\\./(?!\\.\\./)[^/]+/(?!index(\\.ts)?$)',
          message: "Import another shared part through its index.ts ('../explain').",
        },
      ]
    : []),
];

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
    // The pure core and the phantom generator: no DOM, React, tfjs, idb, Node built-ins, or browser globals.
    files: ['src/core/**/*.ts', 'src/synth/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...NOT_IN_PURE_CODE, ...NODE_GLOBALS],
    },
  },
  {
    // src/core/index.ts: only its stages.
    files: ['src/core/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_PACKAGES, leaving(1, CORE_IS_CLOSED)] }] },
  },
  {
    // A stage's files (src/core/<stage>/*.ts): their own stage, and other stages through their index.ts.
    files: ['src/core/*/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_PACKAGES,
            leaving(2, CORE_IS_CLOSED),
            {
              regex: '^\\.\\./(?!\\.\\./)[^/]+/(?!index(\\.ts)?$)',
              message: "Import another stage through its index.ts ('../gate').",
            },
          ],
        },
      ],
    },
  },
  {
    // A stage's sub-folders, should one grow them (src/core/<stage>/<part>/*.ts).
    files: ['src/core/*/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_PACKAGES, leaving(3, CORE_IS_CLOSED)] }] },
  },
  {
    // The phantom generator: itself and src/core.
    files: ['src/synth/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_PACKAGES,
            { regex: '^\\.\\./(?!core/)', message: 'src/synth imports only itself and src/core.' },
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
          patterns: [
            {
              group: ['react', 'react-dom', 'idb', '**/features/*', '**/store/*', '**/app/*', '**/scripts/*'],
            },
            CORE_STAGE_INSIDES,
          ],
        },
      ],
    },
  },
  {
    // Only src/inference imports tfjs, only src/store imports idb; the browser app never imports a Node
    // adapter (it would not bundle) or a tool.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/inference/**', 'src/store/**', 'src/core/**', 'src/synth/**', 'src/**/*.test.ts'],
    rules: restrictImports(BROWSER_APP),
  },
  {
    files: ['src/inference/**/*.ts', 'src/store/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/node', '**/node/*', '**/scripts/*'] }, CORE_STAGE_INSIDES] },
      ],
    },
  },
  {
    // The tools may use anything but a core stage's insides.
    files: ['scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [CORE_STAGE_INSIDES] }],
    },
  },
  {
    // Tests and specs share helpers in tests/helpers, src/ and node/, never a tool.
    files: ['tests/**/*.ts', 'src/**/*.test.ts', 'node/**/*.test.ts', 'cli/**/*.test.ts'],
    rules: restrictImports(IN_TESTS),
  },
  // The screens and what they share, last so that they win over the src/** and test blocks above (in a flat
  // config the last block that sets a rule wins), whose patterns they repeat.
  ...[
    { files: ['src/features/*/*.{ts,tsx}'], boundary: screenBoundary(0) },
    { files: ['src/features/*/*/**/*.{ts,tsx}'], boundary: screenBoundary(1) },
    { files: ['src/features/shared/*.{ts,tsx}'], boundary: sharedBoundary(0) },
    { files: ['src/features/shared/*/*.{ts,tsx}'], boundary: sharedBoundary(1) },
  ].flatMap(({ files, boundary }) => {
    const shared = files[0].startsWith('src/features/shared/') ? [] : ['src/features/shared/**'];
    const tests = files.map((f) => f.replace('{ts,tsx}', 'test.ts'));
    return [
      {
        files,
        ignores: [...shared, 'src/**/*.test.ts'],
        rules: restrictImports([...BROWSER_APP, ...boundary]),
      },
      { files: tests, ignores: shared, rules: restrictImports([...IN_TESTS, ...boundary]) },
    ];
  }),
  {
    // The shell opens each screen through its index.ts.
    files: ['src/app/**/*.{ts,tsx}', 'src/pwa/**/*.{ts,tsx}', 'src/main.tsx'],
    ignores: ['src/**/*.test.ts'],
    rules: restrictImports([
      ...BROWSER_APP,
      {
        regex: '^(\\.\\./)*features/[^/]+/(?!index(\\.ts)?$)',
        message: "Open a screen through its index.ts ('../features/batch').",
      },
    ]),
  },
);
