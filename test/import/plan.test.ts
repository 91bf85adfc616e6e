/** Path allocation: unique, safe, stable names; hostile names never leave the target folder. */
import fc from 'fast-check';
import { joinInside, unsafePathReason, withSuffix, MAX_NAME_LENGTH } from '../../src/core/import/names';
import { allocatePaths, planNotes, uniqueSourceIds, type NoteDraft } from '../../src/core/import/plan';

function draft(over: Partial<NoteDraft> & Pick<NoteDraft, 'sourceId'>): NoteDraft {
  return {
    kind: 'rule',
    source: 'sigma',
    sourcePath: over.sourceId,
    folder: 'Detection Rules',
    names: [over.sourceId],
    priority: 0,
    render: (b) => `# ${b}\n`,
    ...over,
  };
}

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1).replace(/\.md$/, '').toLowerCase();
const EMPTY = { paths: [], owned: new Map<string, string>() };

describe('unsafePathReason / joinInside', () => {
  test.each([
    ['../../etc/x.md', /\.\./],
    ['/etc/passwd', /absolute/],
    ['C:/Windows/x.md', /drive/],
    ['a\\b.md', /backslash/],
    ['a//b.md', /empty/],
    ['./a.md', /"\."/],
    ['Detection Rules/CON.md', /device/],
    ['Detection Rules/x\u0000.md', /control/],
    ['a/b./c.md', /dot or space/],
    ['a/b:c.md', /not allowed/],
    ['', /empty/],
  ])('%j is refused', (p, why) => {
    expect(unsafePathReason(p)).toMatch(why);
    expect(() => joinInside('Vault', p)).toThrow(/refusing/);
  });

  test('ordinary paths pass and stay inside', () => {
    expect(unsafePathReason('Detection Rules/proc_creation_win_x.md')).toBeNull();
    expect(unsafePathReason('Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md')).toBeNull();
    expect(joinInside('', 'Use Cases/a.md')).toBe('Use Cases/a.md');
    expect(joinInside('Imports/', 'Use Cases/a.md')).toBe('Imports/Use Cases/a.md');
    expect(() => joinInside('../x', 'a.md')).toThrow(/refusing to write into/);
  });

  test('withSuffix never cuts the suffix', () => {
    const long = 'x'.repeat(400);
    const n = withSuffix(long, ' (abc123)');
    expect(n.endsWith(' (abc123)')).toBe(true);
    expect(Array.from(n).length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  });
});

describe('allocatePaths', () => {
  test('technique, rule and test notes of the same technique never share a basename', () => {
    const drafts = [
      draft({ sourceId: 'attack:T1059.006', kind: 'technique', source: 'attack', folder: 'Use Cases', names: ['T1059.006 - Command and Scripting Interpreter- Python'] }),
      // The Use-Case-Catalogue gave its runbooks the same name: the allocator must not.
      draft({ sourceId: 'atomic:T1059.006', kind: 'test', source: 'atomic', folder: 'Testing Runbooks', names: ['T1059.006 - Command and Scripting Interpreter- Python'] }),
      draft({ sourceId: 'sigma:1', names: ['T1059.006 - Command and Scripting Interpreter- Python'] }),
    ];
    const { allocations, conflicts } = allocatePaths(drafts, EMPTY);
    expect(conflicts).toEqual([]);
    const names = allocations.map((a) => basename(a.path));
    expect(new Set(names).size).toBe(3);
    expect(allocations.map((a) => a.path.split('/')[0]).sort()).toEqual(['Detection Rules', 'Testing Runbooks', 'Use Cases']);
  });

  test('clashes go to the lower-priority item; alternatives first, case-insensitively', () => {
    const drafts = [
      draft({ sourceId: 'sigma:b', sourcePath: 'deprecated/x.yml', names: ['Rule', 'Rule (deprecated)'], priority: 1 }),
      draft({ sourceId: 'sigma:a', sourcePath: 'rules/x.yml', names: ['rule', 'rule (rules)'], priority: 0 }),
    ];
    const { allocations } = allocatePaths(drafts, EMPTY);
    expect(allocations.map((a) => [a.draft.sourceId, a.path])).toEqual([
      ['sigma:a', 'Detection Rules/rule.md'],
      ['sigma:b', 'Detection Rules/Rule (deprecated).md'],
    ]);
  });

  test('a name used anywhere in the target (or the vault) is avoided; a foreign note at the exact path is a conflict', () => {
    const state = { paths: ['Elsewhere/rule.md', 'Detection Rules/mine.md'], otherBasenames: ['Vaultwide'], owned: new Map<string, string>() };
    const { allocations, conflicts } = allocatePaths(
      [draft({ sourceId: 'sigma:1', names: ['rule'] }), draft({ sourceId: 'sigma:2', names: ['mine'] }), draft({ sourceId: 'sigma:3', names: ['vaultwide'] })],
      state,
    );
    expect(allocations.map((a) => a.path)).toEqual([expect.stringMatching(/^Detection Rules\/rule \([0-9a-f]{6}\)\.md$/), expect.stringMatching(/^Detection Rules\/vaultwide \(/)]);
    expect(conflicts).toEqual([{ path: 'Detection Rules/mine.md', sourcePath: 'sigma:2', reason: expect.stringMatching(/did not make/) }]);
  });

  test('an item imported before keeps its path, even after the user renamed or moved it', () => {
    const owned = new Map([['sigma:1', 'Detection Rules/Sub/renamed by me.md']]);
    const { allocations } = allocatePaths([draft({ sourceId: 'sigma:1', names: ['rule'] }), draft({ sourceId: 'sigma:2', names: ['renamed by me'] })], {
      paths: ['Detection Rules/Sub/renamed by me.md'],
      owned,
    });
    expect(allocations.map((a) => a.path)).toEqual(['Detection Rules/Sub/renamed by me.md', expect.stringMatching(/^Detection Rules\/renamed by me \(/)]);
  });

  test('allocation is deterministic whatever the input order', () => {
    const drafts = Array.from({ length: 30 }, (_, i) => draft({ sourceId: `sigma:${i}`, sourcePath: `r/${i}.yml`, names: [i % 3 ? 'same' : 'SAME'] }));
    const a = allocatePaths(drafts, EMPTY).allocations.map((x) => [x.draft.sourceId, x.path]);
    const b = allocatePaths([...drafts].reverse(), EMPTY).allocations.map((x) => [x.draft.sourceId, x.path]);
    expect(b).toEqual(a);
    expect(new Set(a.map(([, p]) => basename(p as string))).size).toBe(30);
  });

  test('hostile names: every path is safe, inside its folder, unique by basename', () => {
    const hostile = fc.oneof(
      fc.constantFrom('../../etc/x', '/etc/passwd', 'C:\\Windows\\x', 'CON', 'nul.txt', 'lpt1', '..', '.', '', ' ', '.hidden', 'a/../../b', '\u202eexe.md', 'e\u0301', 'é', 'x'.repeat(500), '😀'.repeat(200)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(hostile, hostile), { minLength: 1, maxLength: 25 }), (items) => {
        const drafts = items.map(([a, b], i) => draft({ sourceId: `sigma:${i}`, sourcePath: a, names: [a, b] }));
        const { planned, conflicts } = planNotes(drafts, EMPTY);
        expect(conflicts).toEqual([]);
        expect(planned).toHaveLength(items.length);
        for (const p of planned) {
          expect(unsafePathReason(p.path)).toBeNull();
          expect(p.path.startsWith('Detection Rules/')).toBe(true);
          expect(p.path.split('/')).toHaveLength(2);
          expect(p.path.endsWith('.md')).toBe(true);
          expect(p.content).toBe(`# ${p.path.slice('Detection Rules/'.length, -3)}\n`);
        }
        expect(new Set(planned.map((p) => basename(p.path).normalize('NFC'))).size).toBe(planned.length);
      }),
      { numRuns: 300 },
    );
  });

  test('an unsafe folder is refused, never joined', () => {
    const { allocations, conflicts } = allocatePaths([draft({ sourceId: 'x', folder: '../outside' })], EMPTY);
    expect(allocations).toEqual([]);
    expect(conflicts[0]?.reason).toMatch(/unsafe folder/);
  });
});

test('uniqueSourceIds: the first item keeps a duplicated ID, later ones fall back to their path', () => {
  const out = uniqueSourceIds([
    draft({ sourceId: 'sigma:dup', sourcePath: 'unsupported/a.yml', priority: 1 }),
    draft({ sourceId: 'sigma:dup', sourcePath: 'rules/a.yml' }),
    draft({ sourceId: 'sigma:other', sourcePath: 'rules/b.yml' }),
  ]);
  expect(out.map((d) => [d.sourcePath, d.sourceId])).toEqual([
    ['rules/a.yml', 'sigma:dup'],
    ['rules/b.yml', 'sigma:other'],
    ['unsupported/a.yml', 'sigma:path:unsupported/a.yml'],
  ]);
});
