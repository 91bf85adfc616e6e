// Dates in notes and reports must not depend on the machine's zone.
// Every temporary folder the tests (and the CLI runs they start) make goes under one folder of this run,
// which the teardown removes, so that a test that fails midway leaves nothing behind in the system's /tmp.
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

module.exports = async () => {
  process.env.TZ = 'UTC';
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'attack-coverage-tests-'));
};
