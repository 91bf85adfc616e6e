/**
 * `attack-coverage gaps` on test-vault against an oracle that reads the notes' tag lines directly.
 */
import catalogJson from '../../src/core/attack/catalog.json';
import type { GapReport } from '../../src/core/gaps';
import { VAULT, capture, taggedNotes } from '../matrix/cli';

const remaps = (catalogJson as unknown as { remaps: { techniques: Record<string, { id: string }> } }).remaps.techniques;
const rules = taggedNotes('Detection Rules').filter((r) => r.ids.length);
const tests = taggedNotes('Testing Runbooks').filter((t) => t.ids.length);
const techniqueNotes = taggedNotes('Use Cases');

/** Same relation as the matrix: own ID, sub-techniques roll up into parents, v19 successors count. */
const reaches = (noteIds: string[], id: string): boolean =>
  noteIds.some((x) => x === id || (id.length === 5 && x.startsWith(`${id}.`)) || x === remaps[id]?.id || remaps[x]?.id === id);

describe('attack-coverage gaps', () => {
  let r: { code: number; stdout: string; stderr: string };
  let report: GapReport;
  beforeAll(async () => {
    r = await capture(['gaps', VAULT, '--json']);
    report = JSON.parse(r.stdout) as GapReport;
  });

  test('exit 0, JSON with every list', () => {
    expect(r.code).toBe(0);
    for (const k of ['noRules', 'noTests', 'untestedRules', 'undetectedTests', 'outdated']) expect(Array.isArray(report[k as keyof GapReport])).toBe(true);
  });

  test('tests whose techniques have no rules', () => {
    const expected = tests.filter((t) => !rules.some((rule) => reaches(rule.ids, t.ids[0]!))).map((t) => t.path).sort();
    expect(report.undetectedTests.map((t) => t.path).sort()).toEqual(expected);
  });

  test('technique notes without tests', () => {
    const ids = techniqueNotes.map((n) => /^Use Cases\/(T\d{4}(?:\.\d{3})?) /.exec(n.path)![1]!);
    const expected = ids.filter((id) => !tests.some((t) => reaches(t.ids, id))).sort();
    expect(report.noTests.map((t) => t.id).sort()).toEqual(expected);
  });

  test('revoked and deprecated IDs in use are listed with their replacement', () => {
    const t1086 = report.outdated.filter((o) => o.id === 'T1086');
    expect(t1086.length).toBeGreaterThan(0);
    expect(t1086.every((o) => o.replacement === 'T1059.001')).toBe(true);
    expect(report.outdated.some((o) => o.kind === 'newer' && o.id === 'T1685')).toBe(true);
  });

  test('text output names each list with its count', async () => {
    const t = await capture(['gaps', VAULT, '--limit', '3']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Techniques without rules: \d+/);
    expect(t.stdout).toMatch(/Tests whose techniques have no rules: \d+/);
    expect(t.stdout).toMatch(/Notes using revoked, deprecated, retiring, unknown or newer IDs: \d+/);
  });
});
