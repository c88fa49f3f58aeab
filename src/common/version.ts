// Kept in step with package.json by test/cli/version.test.ts; a constant so --version reads no files.
export const VERSION = '0.1.0';
