// Stands in for gray-matter's own js-yaml 3 (and the esprima it pulls in) in the bundles. That copy only
// backs gray-matter's default YAML engine, which is never used: every call passes its own engines
// (src/cli/frontmatter.ts). Leaving it out makes the CLI and its reader threads start faster.
const disabled = () => {
  throw new Error("gray-matter's default YAML engine is not bundled; pass an engine");
};
module.exports = { safeLoad: disabled, safeDump: disabled };
