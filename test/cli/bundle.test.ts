/**
 * The bundled CLI against the sources: `dist/cli.js` (built with gray-matter's default YAML engine left
 * out, and reading through `dist/read-worker.js` when threads are forced) must report on test-vault
 * exactly what the TypeScript sources compute in this process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVault } from '../../src/cli/vault';
import { scanReport } from '../../src/core/report';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const VAULT = join(ROOT, 'test-vault');
const built = existsSync(CLI) && existsSync(join(ROOT, 'dist/read-worker.js'));
if (!built) console.log(`Skipping the bundled-CLI comparison: ${CLI} is not built (run npm run build)`);
const maybe = built ? test : test.skip;

function bundled(threads: number): unknown {
  const r = spawnSync('node', [CLI, 'scan', VAULT, '--json'], { env: { ...process.env, ATTACK_COVERAGE_THREADS: String(threads) }, maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  expect(r.stderr.toString()).not.toMatch(/reader threads failed/);
  return JSON.parse(r.stdout.toString());
}

maybe('dist/cli.js scan equals the sources, on one thread and on reader threads', () => {
  const expected = JSON.parse(JSON.stringify(scanReport(loadVault(VAULT, { keepSources: false }).index, VAULT)));
  expect((expected as { counts: { notes: number } }).counts.notes).toBeGreaterThan(600);
  expect(bundled(1)).toEqual(expected);
  expect(bundled(2)).toEqual(expected);
}, 60_000);

maybe("the bundles leave out gray-matter's own js-yaml and esprima", () => {
  for (const f of ['dist/cli.js', 'dist/read-worker.js']) expect(readFileSync(join(ROOT, f), 'utf8')).not.toMatch(/esprima/i);
});
