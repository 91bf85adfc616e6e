/** The committed test-vault, path → note text, bundled by test/browser/build-harness.ts (nothing is fetched). */
declare module 'virtual:test-vault' {
  const files: Record<string, string>;
  export default files;
}
