// ESLint flat config: typescript-eslint plus the layering rules of ../shared/spec/style.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const clientNodeOnlyInKube = {
  name: '@kubernetes/client-node',
  message: 'Only operator/src/kube/** may import client-node (style.md: one door to the API server).',
};

/** Zones for import-x/no-restricted-paths: `target` may not import from `from`. */
const zones = [
  { target: './api', from: ['./operator', './webhook', './sandbox', './test', './bench'], message: 'api/ imports nothing of ours.' },
  { target: './webhook', from: ['./operator', './sandbox', './test', './bench'], message: 'webhook/ imports api/ and node built-ins only.' },
  { target: './sandbox', from: ['./operator', './webhook', './test', './bench'], message: 'sandbox/ is independent: it reads crds/ as data.' },
  { target: './sandbox', from: './api', except: ['./rbac.ts'], message: 'sandbox/ is independent: it reads crds/ as data (api/rbac.ts, the pure RBAC evaluator, is shared).' },
  { target: './operator/src/scheduler', from: ['./operator/src/kube', './operator/src/reconcile', './operator/src/metrics', './operator/src/log', './operator/src/chaos', './operator/src/http'] },
  { target: './operator/src/chaos', from: ['./operator/src/kube', './operator/src/reconcile', './operator/src/metrics', './operator/src/log', './operator/src/http', './operator/src/scheduler'] },
  { target: './operator/src/reconcile', from: ['./operator/src/kube', './operator/src/metrics', './operator/src/log', './operator/src/http'] },
  { target: './operator/src/kube', from: ['./operator/src/reconcile', './operator/src/chaos', './operator/src/scheduler', './operator/src/metrics', './operator/src/http'] },
  { target: './operator/src', from: ['./test', './bench'], message: 'Source never imports test/ or bench/.' },
  { target: './webhook/src', from: ['./test', './bench'], message: 'Source never imports test/ or bench/.' },
  { target: './operator/src', from: ['./operator/src/main.ts'], message: 'Nothing imports main.ts.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'charts/**', 'crds/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    settings: { 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] }, 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [clientNodeOnlyInKube] }],
    },
  },
  {
    files: ['operator/src/kube/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['operator/src/**/*.ts'],
    ignores: ['operator/src/scheduler/clock.ts', 'operator/src/chaos/random.ts', 'operator/src/main.ts', 'operator/src/kube/**', 'operator/src/log/**', 'operator/src/metrics/**', 'operator/src/http/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Use the injected Random (chaos/random.ts).' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use the injected Clock (scheduler/clock.ts).' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the injected Clock (scheduler/clock.ts).' },
      ],
    },
  },
  {
    files: ['operator/src/**/*.ts'],
    ignores: ['operator/src/log/**', 'operator/src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [clientNodeOnlyInKube, { name: 'winston', message: 'winston only in log/ (and main.ts).' }] }] },
  },
  {
    files: ['operator/src/**/*.ts'],
    ignores: ['operator/src/metrics/**', 'operator/src/main.ts', 'operator/src/log/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [clientNodeOnlyInKube, { name: 'winston', message: 'winston only in log/.' }, { name: 'prom-client', message: 'prom-client only in metrics/.' }] }] },
  },
  {
    files: ['operator/src/kube/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'winston', message: 'winston only in log/.' }, { name: 'prom-client', message: 'prom-client only in metrics/.' }] }] },
  },
);
