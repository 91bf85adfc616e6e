/** The committed test-vault/ (made by scripts/make-test-vault.ts): shape checks that need no corpus. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { parseGeneratedNote } from '../../src/core/import/merge';
import { frontmatter, yamlBlocks } from './note-parts';

const VAULT = path.resolve(__dirname, '../../test-vault');
const notes = (folder: string): string[] =>
  readdirSync(path.join(VAULT, folder))
    .filter((f) => f.endsWith('.md'))
    .sort();
const read = (rel: string): string => readFileSync(path.join(VAULT, rel), 'utf8');

describe('test-vault', () => {
  const catalog = defaultCatalog();
  const useCases = notes('Use Cases');
  const ids = useCases.map((f) => f.split(' - ')[0] as string);

  test('technique notes: T1059 and every sub-technique, and inactive IDs so flags show', () => {
    expect(useCases.length).toBeGreaterThanOrEqual(30);
    for (const id of ['T1059', ...catalog.subtechniqueIds('T1059')]) expect(ids).toContain(id);
    expect(ids.some((id) => catalog.status(id) === 'revoked')).toBe(true);
    expect(ids.some((id) => catalog.status(id) === 'deprecated')).toBe(true);
    for (const f of useCases) {
      const fm = frontmatter(read(`Use Cases/${f}`));
      expect((fm.tags as string[]).slice(0, 2)).toEqual([(f.split(' - ')[0] as string).replace('.', '_'), 'techniques']);
    }
  });

  test('three or four technique notes use query blocks', () => {
    const query = useCases.filter((f) => read(`Use Cases/${f}`).includes('```query\ntag: detection_rule'));
    expect(query.length).toBeGreaterThanOrEqual(3);
    expect(query.length).toBeLessThanOrEqual(4);
  });

  test('rule notes embed rules that parse, with their author, and include every T1059.006 rule', () => {
    const rules = notes('Detection Rules');
    expect(rules).toContain('win_applocker_application_was_prevented_from_running.md');
    let python = 0;
    for (const f of rules) {
      const note = read(`Detection Rules/${f}`);
      const [yml] = yamlBlocks(note);
      const rule = load(yml as string) as Record<string, unknown>;
      expect(frontmatter(note).title).toBe(rule.title);
      expect(frontmatter(note).tags).toContain('detection_rule');
      if ((rule.tags as string[] | undefined)?.includes('attack.t1059.006')) python++;
    }
    expect(python).toBeGreaterThanOrEqual(3);
  });

  test('test notes carry their technique tag and test headings', () => {
    const tests = notes('Testing Runbooks');
    expect(tests.length).toBeGreaterThan(20);
    for (const f of tests) {
      const note = read(`Testing Runbooks/${f}`);
      expect(frontmatter(note).tags).toContain('atomic_test');
      expect(note).toMatch(/^## Atomic Test #1 - /m);
    }
  });

  test('hub note, notice, licences, size', () => {
    expect(read('Detection Rules.md')).toContain('>[!info]- Execution\n>```query\n>tag: execution\n>tag: detection_rule\n>```');
    const notice = read('NOTICE.md');
    expect(notice).toContain('© The MITRE Corporation');
    expect(notice).toContain('Detection Rule License');
    expect(notice).toContain('MIT');
    expect(existsSync(path.join(VAULT, 'LICENSES/DRL-1.1.md'))).toBe(true);
    expect(existsSync(path.join(VAULT, 'LICENSES/atomic-red-team-MIT.txt'))).toBe(true);
    expect(existsSync(path.join(VAULT, 'README.md'))).toBe(true);
    const size = (p: string): number =>
      statSync(p).isDirectory() ? readdirSync(p).reduce((n, e) => n + size(path.join(p, e)), 0) : statSync(p).size;
    const generated = ['Use Cases', 'Detection Rules', 'Testing Runbooks', 'LICENSES', 'Detection Rules.md', 'NOTICE.md', 'README.md'];
    expect(generated.reduce((n, g) => n + size(path.join(VAULT, g)), 0)).toBeLessThan(3 * 1024 * 1024);
  });
});

describe('test-vault notes come from the importers, unedited', () => {
  test('every technique, rule and test note carries an import marker whose hash still matches', () => {
    const problems: string[] = [];
    for (const folder of ['Use Cases', 'Detection Rules', 'Testing Runbooks']) {
      for (const f of notes(folder)) {
        const parsed = parseGeneratedNote(read(`${folder}/${f}`));
        if (!parsed) problems.push(`${folder}/${f}: no marker`);
        else if (parsed.edited) problems.push(`${folder}/${f}: edited after import`);
        else if (parsed.tail !== '') problems.push(`${folder}/${f}: text after the marker`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('no basename is shared between technique, rule and test notes', () => {
    const all = ['Use Cases', 'Detection Rules', 'Testing Runbooks'].flatMap((d) => notes(d)).map((f) => f.toLowerCase());
    expect(new Set(all).size).toBe(all.length);
  });
});
