// Obsidian's review rules for everything that ships in main.js; Node is allowed only where it must be.
import { defineConfig, globalIgnores } from 'eslint/config';
import obsidianmd from 'eslint-plugin-obsidianmd';
import globals from 'globals';

export default defineConfig([
  globalIgnores(['node_modules/', 'dist/', 'main.js', 'test-vault/', 'coverage/', 'bench/out/', '.tmp*', '**/*.js', '**/*.mjs', '**/*.cjs']),
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['manifest.json'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.json'],
      },
    },
  },
  {
    // Proper names stay capitalised in sentence case: the ATT&CK Navigator (a tool) and the Dataview plugin.
    rules: { 'obsidianmd/ui/sentence-case': ['warn', { enforceCamelCaseLower: true, ignoreWords: ['Navigator', 'Dataview'] }] },
  },
  {
    // js-yaml is the CLI's YAML parser (CORE_SCHEMA reads dates as strings, as Obsidian does) and never
    // reaches main.js: the plugin parses YAML with Obsidian's own parseYaml.
    files: ['package.json'],
    rules: { 'depend/ban-dependencies': ['error', { presets: ['native', 'microutilities', 'preferred'], allowed: ['js-yaml'] }] },
  },
  {
    // The CLI, build scripts, benchmark and tests run under Node, never inside Obsidian.
    files: ['src/cli/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      'obsidianmd/rule-custom-message': 'off',
      'obsidianmd/no-nodejs-modules': 'off',
      'import/no-nodejs-modules': 'off',
      'no-console': 'off',
      'obsidianmd/hardcoded-config-path': 'off',
      'obsidianmd/prefer-window-timers': 'off',
      'obsidianmd/no-global-this': 'off',
    },
  },
  {
    // The shim implements Obsidian's DOM helpers on jsdom, and the harness page runs outside Obsidian:
    // both are built from the standard DOM that these rules steer plugin code away from.
    files: ['test/__obsidian_shim__/**/*.ts', 'test/report/harness.ts'],
    rules: { 'obsidianmd/prefer-create-el': 'off', 'obsidianmd/prefer-instanceof': 'off' },
  },
  {
    // The one element factory shared with the CLI's HTML report, which runs on linkedom outside Obsidian:
    // it must use the standard createElement that the rule steers plugin code away from.
    files: ['src/ui/dom.ts'],
    rules: { 'obsidianmd/prefer-create-el': 'off' },
  },
  {
    // Tests poke at untyped JSON fixtures and jest mocks.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
]);
