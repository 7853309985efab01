// Jest runs the TypeScript sources directly (ts-jest); d3 ships ESM only, so
// its packages are let through the transform and compiled to CommonJS too.
// @jupyterlab/apputils: its real HTML Sanitizer is used by the markdown tests.
const esmPackages = ['d3-.*', 'internmap', '@jupyterlab/apputils'].join('|');

module.exports = {
  testEnvironment: 'jsdom',
  setupFiles: ['<rootDir>/tests/jest-setup.js'],
  roots: ['<rootDir>/tests'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  transform: {
    '^.+\\.(ts|tsx|js|mjs)$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          allowJs: true,
          module: 'commonjs',
          target: 'ES2020',
          esModuleInterop: true,
          types: ['jest', 'node']
        }
      }
    ]
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages})/)`],
  moduleNameMapper: {
    '\\.(css)$': '<rootDir>/tests/style-stub.js'
  },
  modulePathIgnorePatterns: [
    '<rootDir>/lib/',
    '<rootDir>/python/',
    '<rootDir>/ui-tests/',
    '<rootDir>/.venv/'
  ]
};
