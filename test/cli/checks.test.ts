/**
 * `scan` as a CI gate: thresholds, a ceiling on problems and regressions against an earlier
 * `scan --json`. Expectations come from the earlier report and from what the test deletes, not from
 * the checks' own code.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import catalogJson from '../../src/core/attack/catalog.json';
import { BaselineError, parseBaseline } from '../../src/core/checks';
import type { ScanReport } from '../../src/core/report';
import { capture } from '../support/cli';

const VAULT = join(__dirname, '../../test-vault');

async function scanJson(vault: string, ...args: string[]): Promise<{ code: number; report: ScanReport & { checks?: { failures: string[]; notes: string[] } } }> {
  const { code, stdout } = await capture(['scan', vault, '--json', ...args]);
  return { code, report: JSON.parse(stdout) };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'attack-coverage-checks-'));
}

describe('scan checks', () => {
  let before: ScanReport;
  beforeAll(async () => {
    before = (await scanJson(VAULT)).report;
  });

  test('thresholds pass at the vault\'s own share and fail just above it', async () => {
    const c = before.counts;
    const rules = (100 * c.techniquesWithRules) / c.techniques;
    const tests = (100 * c.techniquesWithTests) / c.techniques;
    const at = await capture(['scan', VAULT, '--min-with-rules', String(Math.floor(rules * 10) / 10), '--min-with-tests', String(Math.floor(tests * 10) / 10)]);
    expect(at.code).toBe(0);
    expect(at.stdout).toMatch(/Checks: all passed/);
    const above = await capture(['scan', VAULT, '--min-with-rules', String(Math.ceil(rules + 0.01))]);
    expect(above.code).toBe(1);
    expect(above.stdout).toContain(`failed  ${c.techniquesWithRules} of ${c.techniques} technique notes have rules`);
  });

  test('--fail-on counts the diagnostics of that severity or worse', async () => {
    const warnings = before.diagnostics.filter((d) => d.severity !== 'info');
    const errors = before.diagnostics.filter((d) => d.severity === 'error');
    expect(warnings.length).toBeGreaterThan(0);
    const onWarning = await scanJson(VAULT, '--fail-on', 'warning');
    expect(onWarning.code).toBe(1);
    expect(onWarning.report.checks?.failures).toEqual([
      `${warnings.length} problems of severity warning or worse, the first: ${warnings[0]!.path}: ${warnings[0]!.message}`,
    ]);
    expect((await scanJson(VAULT, '--fail-on', 'error')).code).toBe(errors.length ? 1 : 0);
  });

  test('against a baseline: a technique that loses every rule fails, one that loses some is noted', async () => {
    const dir = tempDir();
    try {
      cpSync(VAULT, dir, { recursive: true });
      const baseline = join(dir, 'baseline.json');
      writeFileSync(baseline, JSON.stringify(before));
      // The technique with the fewest own rules (at least two) loses all of them; counts after the
      // deletion follow from the baseline's own lists.
      const victim = before.techniques
        .filter((t) => t.rules.length >= 2)
        .sort((a, b) => a.rules.length + a.rolledUpRules.length - (b.rules.length + b.rolledUpRules.length))[0]!;
      const deleted = new Set(victim.rules);
      for (const p of deleted) rmSync(join(dir, p));
      const rulesOf = (t: ScanReport['techniques'][number]): number => [...t.rules, ...t.rolledUpRules].length;
      const left = (t: ScanReport['techniques'][number]): number => [...t.rules, ...t.rolledUpRules].filter((p) => !deleted.has(p)).length;
      const lostAll = before.techniques.filter((t) => rulesOf(t) > 0 && left(t) === 0);
      const lostSome = before.techniques.filter((t) => left(t) > 0 && left(t) < rulesOf(t));
      expect(lostAll.map((t) => t.id)).toContain(victim.id);

      const after = await scanJson(dir, '--baseline', baseline);
      expect(after.code).toBe(1);
      expect(after.report.checks?.failures).toEqual(lostAll.map((t) => `${t.id} ${t.name} had ${rulesOf(t)} rule${rulesOf(t) === 1 ? '' : 's'} and has none now`));
      expect(after.report.checks?.notes).toEqual(lostSome.map((t) => `${t.id} ${t.name}: ${rulesOf(t)} → ${left(t)} rules`));

      // The same vault against itself: nothing to report.
      writeFileSync(baseline, JSON.stringify(after.report));
      const again = await scanJson(dir, '--baseline', baseline);
      expect(again.code).toBe(0);
      expect(again.report.checks).toEqual({ failures: [], notes: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a baseline is compared the way it was taken, with or without roll-up', async () => {
    const dir = tempDir();
    try {
      const baseline = join(dir, 'baseline.json');
      expect(before.rollUp).toBe(true);
      writeFileSync(baseline, JSON.stringify(before));
      const same = await scanJson(VAULT, '--no-rollup', '--baseline', baseline);
      expect(same.report.rollUp).toBe(false);
      expect(same.report.checks).toEqual({ failures: [], notes: [] });

      // A baseline from before reports said how they were taken: compared under this scan's setting.
      const { rollUp: _, ...old } = before;
      writeFileSync(baseline, JSON.stringify(old));
      const parents = before.techniques.filter((t) => t.rolledUpRules.length > 0);
      expect(parents.length).toBeGreaterThan(0);
      const unrolled = await scanJson(VAULT, '--no-rollup', '--baseline', baseline);
      expect(unrolled.report.checks?.notes).toEqual(
        expect.arrayContaining(parents.filter((t) => t.rules.length > 0).map((t) => `${t.id} ${t.name}: ${t.rules.length + t.rolledUpRules.length} → ${t.rules.length} rules`)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rules under the next-release ID count against a baseline, old or new', async () => {
    // An active v18 sub-technique the catalog remaps: one rule under its own ID, one under its v19 ID.
    const rows = (catalogJson as unknown as { remaps: { techniques: Record<string, { id: string }> } }).remaps.techniques;
    const raw = (catalogJson as unknown as { techniques: Array<{ id: string; name: string; revoked?: boolean }> }).techniques;
    const [from, to] = Object.entries(rows).map(([f, t]) => [f, t.id] as const).find(([f]) => f.includes('.') && !raw.find((t) => t.id === f)?.revoked) ?? [];
    if (!from || !to) throw new Error('the catalog has no remapped active sub-technique');
    const tag = (id: string): string => id.replace('.', '_');
    const dir = tempDir();
    try {
      const files: Record<string, string> = {
        [`Use Cases/${from} - Note.md`]: `---\ntags: [${tag(from)}, techniques]\n---\n`,
        'Detection Rules/own.md': `---\ntags: [${tag(from)}, detection_rule]\n---\n`,
        'Detection Rules/successor.md': `---\ntags: [${tag(to)}, detection_rule]\n---\n`,
      };
      for (const [p, text] of Object.entries(files)) {
        const full = join(dir, p);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
      const now = (await scanJson(dir)).report;
      const row = now.techniques.find((t) => t.id === from);
      expect(row && [row.rules, row.successorRules]).toEqual([['Detection Rules/own.md'], ['Detection Rules/successor.md']]);
      expect(now.counts.techniquesWithRules).toBe(1);
      const label = `${from} ${row?.name ?? ''}`;

      // A baseline taken before successor lists were reported counts only the own rule: the technique
      // still has a rule once that one is gone, so nothing fails; counts only rose.
      const old = { ...now, techniques: now.techniques.map(({ successorRules: _r, successorTests: _t, ...t }) => t) };
      const oldFile = join(dir, 'old.json');
      writeFileSync(oldFile, JSON.stringify(old));
      const newFile = join(dir, 'new.json');
      writeFileSync(newFile, JSON.stringify(now));
      rmSync(join(dir, 'Detection Rules/own.md'));
      expect((await scanJson(dir, '--baseline', oldFile)).report.checks).toEqual({ failures: [], notes: [] });
      // The share of technique notes with rules counts it as covered, as the matrix and gaps do.
      expect((await capture(['scan', dir, '--min-with-rules', '100'])).code).toBe(0);
      // A current baseline counted both rules.
      expect((await scanJson(dir, '--baseline', newFile)).report.checks).toEqual({ failures: [], notes: [`${label}: 2 → 1 rules`] });
      rmSync(join(dir, 'Detection Rules/successor.md'));
      const gone = await scanJson(dir, '--baseline', newFile);
      expect(gone.code).toBe(1);
      expect(gone.report.checks?.failures).toEqual([`${label} had 2 rules and has none now`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a baseline that is not a scan report is a bad argument: exit 2, one line, the vault unread', async () => {
    const dir = tempDir();
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"counts": {}}');
      const r = await capture(['scan', join(dir, 'no-such-vault'), '--baseline', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`attack-coverage: baseline "${bad}": not the output of "scan --json": it has no "techniques" list`]);
      const missing = await capture(['scan', VAULT, '--baseline', join(dir, 'missing.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^attack-coverage: cannot read baseline .*missing\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('baselines from before rolled-up tests were reported are read; malformed ones say where', () => {
    const old = { techniques: [{ id: 'T1059', name: 'Command and Scripting Interpreter', rules: ['a.md'], rolledUpRules: [], tests: [] }] };
    expect(parseBaseline(JSON.stringify(old)).techniques[0]).toEqual(old.techniques[0]);
    expect(() => parseBaseline('{"techniques": [{"id": "T1059", "rules": "a.md"}]}')).toThrow(new BaselineError('techniques[0] is not a technique of "scan --json" (id, rules, rolledUpRules and tests are needed)'));
    expect(() => parseBaseline('not json')).toThrow(/^not JSON/);
  });

  test('options that are not percentages or severities are refused', async () => {
    for (const args of [['--min-with-rules', '101'], ['--min-with-tests', 'x'], ['--fail-on', 'info']]) {
      expect((await capture(['scan', VAULT, ...args])).code).toBe(2);
    }
  });
});
