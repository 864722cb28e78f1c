// Lint config: typescript-eslint's type-checked strict preset (strictTypeChecked); `any` is banned
// outright (no untyped value crosses a layer). Where a rule is tuned or off, the line says why.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // node:test's test()/describe() promises are awaited by the runner, not by the file.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] }],
      // Numbers and booleans print as themselves in a message (`--strict=${bool}`); `undefined`, objects
      // and the rest still may not (the rule's own defaults allow them all: each is set here).
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: true, allowNullish: false, allowRegExp: false, allowNever: false, allowArray: false },
      ],
      // `() => resolve()` and `return fail(err)` in a void function are this codebase's callback idiom.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // `[...s]` is used on purpose: it counts and slices code points, as Go counts runes.
      '@typescript-eslint/no-misused-spread': 'off',
      // vouch rejects only with what it caught or was given (abort reasons, worker failures), passed on
      // unchanged; the rule cannot tell a narrowed `unknown` from a made-up non-Error.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // An async function without await still turns its throws into rejections, which callers rely on
      // (instantiatePolicy); async test doubles stand in for async interfaces.
      '@typescript-eslint/require-await': 'off',
      // RunFailure (src/validate/component.ts) is thrown on purpose as a non-Error wrapper, so no catch mistakes it for an Error.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'RunFailure' }] }],
    },
  },
  // Tests and scripts type a child_process rejection by the stdout/stderr/code Node documents on it.
  { files: ['test/**', 'scripts/**'], rules: { '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off' } },
  // Plain JavaScript (the build script, this file) has no types to check.
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
