// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '.bench-build/**', 'node_modules/**', 'coverage/**', 'demo/**', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Logic emits events and reporters print; only reporters and the CLI entry write to the terminal.
      'no-console': 'error',
    },
  },
  {
    // Only the CLI entry may touch process.exit, process.argv and signals.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/main.ts', 'src/**/*.test.ts', 'src/**/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only src/cli/main.ts may exit the process.' },
        { object: 'process', property: 'argv', message: 'Only src/cli/main.ts may read process.argv.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'bench/**', 'scripts/**', 'src/**/testing/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
