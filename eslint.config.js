// ESLint runs for one rule only: typescript-eslint's no-floating-promises, which needs type
// information that Biome (the linter for everything else) does not have. A promise nobody awaits
// loses its error and its ordering; where that is meant, mark it with `void` and say why.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', 'docs/**', 'ops/kafka-connect/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
);
