// Lint: typescript-eslint, type-aware where it pays (type imports, floating promises, conditions that
// cannot be false, assertions the types make unnecessary), and an import-cycle rule. Formatting is
// prettier's job (`pnpm format:check`), not the linter's.
import js from '@eslint/js'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import importX from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'docs/api/**',
      'bench/data/**',
      'bench/results/**',
      'test-artifacts/**',
      '**/.tsbuild/**',
      // AssemblyScript sources (not TypeScript the linter can parse) and the module built from them.
      'packages/gaussian/assembly/**',
      'packages/gaussian/src/internal/kernel.generated.ts',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'vitest.setup.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Runtime cycles (import-x skips type-only imports; the one type-only cycle, gaussian's
      // Component ↔ internal/factor, was removed by moving the types to ComponentTypes.ts).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      // Resolves NodeNext-style './x.js' specifiers to the './x.ts' sources, so that cycles are seen.
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
  },
  {
    // Tests read JSON written by the command and poke at values on purpose: the unsafe-any rules
    // would only ask for casts there, and `expect(obj.method)` is no unbound call.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tool configuration files outside every tsconfig: syntax rules only.
    files: ['vitest.config.ts', 'vitest.setup.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-unnecessary-condition': 'off' },
  },
)
