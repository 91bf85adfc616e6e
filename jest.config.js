/** Unit and glue tests. `obsidian` is types-only on npm, so tests map it to a stand-in. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2021', esModuleInterop: true, resolveJsonModule: true, isolatedModules: true } }],
  },
  moduleNameMapper: { '^obsidian$': '<rootDir>/test/__obsidian_shim__/obsidian.ts' },
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
};
