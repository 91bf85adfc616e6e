/**
 * The bundled CLI against the sources: `dist/cli.js` (built with gray-matter's default YAML engine left
 * out, and reading through `dist/read-worker.js` when threads are forced) must report on test-vault
 * exactly what the TypeScript sources compute in this process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVault } from '../../src/cli/vault';
import { scanReport } from '../../src/core/report';
import { capture } from '../support/cli';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const VAULT = join(ROOT, 'test-vault');
/** Files the bundle loads beside itself: reader threads, and what only some commands need. */
const SIDE_FILES = ['read-worker.js', 'attack-details.js', 'linkedom.js'];
const built = existsSync(CLI);
if (!built) console.log(`Skipping the bundled-CLI comparison: ${CLI} is not built (run npm run build)`);
const maybe = built ? test : test.skip;

function bundled(threads: number, extra: string[] = []): { report: unknown; stderr: string } {
  const r = spawnSync('node', [CLI, 'scan', VAULT, '--json', ...extra], { env: { ...process.env, ATTACK_COVERAGE_THREADS: String(threads) }, maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  expect(r.stderr.toString()).not.toMatch(/reader threads failed/);
  return { report: JSON.parse(r.stdout.toString()), stderr: r.stderr.toString() };
}

maybe('dist/cli.js scan equals the sources, on one thread and on reader threads', () => {
  const expected = JSON.parse(JSON.stringify(scanReport(loadVault(VAULT, { keepSources: false }).index, VAULT)));
  expect((expected as { counts: { notes: number } }).counts.notes).toBeGreaterThan(600);
  expect(bundled(1).report).toEqual(expected);
  expect(bundled(2).report).toEqual(expected);
}, 60_000);

maybe('dist/cli.js scan --cache, filled on reader threads, then reused, equals the sources', () => {
  const expected = JSON.parse(JSON.stringify(scanReport(loadVault(VAULT, { keepSources: false }).index, VAULT)));
  const notes = (expected as { counts: { notes: number } }).counts.notes;
  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-bundle-cache-'));
  try {
    const cache = ['--cache', join(dir, 'cache')];
    const cold = bundled(2, cache);
    expect(cold.report).toEqual(expected);
    expect(cold.stderr).toContain(`cache: 0 of ${notes} notes unchanged`);
    const warm = bundled(1, cache);
    expect(warm.report).toEqual(expected);
    expect(warm.stderr).toContain(`cache: ${notes} of ${notes} notes unchanged`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

maybe("the bundles leave out gray-matter's own js-yaml and esprima", () => {
  for (const f of ['dist/cli.js', 'dist/read-worker.js']) expect(readFileSync(join(ROOT, f), 'utf8')).not.toMatch(/esprima/i);
});

maybe('the commands that load code on demand (analytics, report) give what the sources give', async () => {
  for (const f of SIDE_FILES) expect(existsSync(join(ROOT, 'dist', f))).toBe(true);
  const node = (args: string[]): string => {
    const r = spawnSync('node', [CLI, ...args], { maxBuffer: 1 << 28 });
    expect(r.stderr.toString()).not.toMatch(/Cannot find module|Error:/);
    expect(r.status).toBe(0);
    return r.stdout.toString();
  };
  const analytics = ['analytics', VAULT, 'T1059.006', '--json'];
  const fromSources = await capture(analytics);
  expect(fromSources.code).toBe(0);
  expect(JSON.parse(node(analytics))).toEqual(JSON.parse(fromSources.stdout));
  expect(JSON.parse(fromSources.stdout).attack?.mitigations?.length).toBeGreaterThan(0); // the ATT&CK details were loaded

  const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-bundle-'));
  try {
    node(['report', VAULT, '-o', join(dir, 'bundle.html')]);
    // The sources under tsx: jest's module system cannot load linkedom's ESM dependency.
    const sources = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['src/cli/main.ts', 'report', VAULT, '-o', join(dir, 'sources.html')], { cwd: ROOT });
    expect(sources.status).toBe(0);
    expect(readFileSync(join(dir, 'bundle.html'), 'utf8')).toBe(readFileSync(join(dir, 'sources.html'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

maybe('scan does not load the code only some commands need', () => {
  const cli = readFileSync(CLI, 'utf8');
  expect(cli).not.toMatch(/DETAILS_GZIP_BASE64 = "/);
  expect(cli).not.toMatch(/node_modules\/linkedom\//);
});
