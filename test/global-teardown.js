// Removes the run's temporary folder made by global-setup.js.
const { rmSync } = require('node:fs');

module.exports = async () => {
  const dir = process.env.TMPDIR;
  if (dir && /attack-coverage-tests-[^/\\]+$/.test(dir)) rmSync(dir, { recursive: true, force: true });
};
