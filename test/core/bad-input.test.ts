/**
 * Bad input never loses data: corrupted notes become diagnostics naming the note, and every good note
 * is indexed exactly as it would be without them. Corruptions are generated, not hand-picked.
 */
import fc from 'fast-check';
import { indexOf } from '../support/notes';
import * as F from './formats';

const GOOD = {
  'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md': F.UCC_TECHNIQUE,
  'Detection Rules/File Was Not Allowed To Run.md': F.UCC_APPLOCKER_RULE,
  'Testing Runbooks/T1059.006 - Python.md': F.UCC_RUNBOOK,
};

const corruption = fc.oneof(
  fc.constant('---\ntags: [t1059_006, detection_rule\n---\nunterminated flow list\n'),
  fc.constant('---\ntitle: "unclosed\nstatus: test\n---\n'),
  fc.constant('---\n: : :\n  - - x\n---\n'),
  fc.constant('---\ntags: 5\n---\n'),
  fc.constant('---\ntags: a, b\n---\n'),
  fc.constant('---\ntags: {a: 1, b: [2]}\ntitle: [1, 2]\nlogsrc_product: {x: y}\n---\n'),
  fc.constant('---\n- just\n- a list\n---\n'),
  fc.constant('---\njust a scalar\n---\n'),
  fc.constant('\uFEFF---\r\ntags: [t1059_006, detection_rule]\r\n---\r\n# CRLF and BOM\r\n'),
  fc.constant(''),
  fc.constant('---\n---\n'),
  fc.constant('---\ntags: [T1059.6, t9999_999, detection_rule]\n---\n'),
  fc.constant('---\ntags: [detection_rule]\n---\n```yml\ntitle: [broken\n```\n'),
  fc.constant('---\ntags: [detection_rule]\n---\n```toml\n[rule\nname = \n```\n'),
  fc.constant('```yml\n' + 'a: b\n'.repeat(5) + '\n'), // unclosed fence
  fc.constant('#'.repeat(10000) + ' [[' + '['.repeat(5000)),
  fc.constant('x'.repeat(3_000_000)),
  fc.string({ maxLength: 400 }),
  fc.string({ maxLength: 200 }).map((s) => `---\n${s}\n---\n${s}`),
  fc.string({ maxLength: 100 }).map((s) => `---\ntitle: ${JSON.stringify(s)}\ntags: [detection_rule, t1059_006]\n---\n<script>alert(1)</script>${s}`),
);

const oddName = fc.constantFrom('x.md', 'sp ace.md', 'ünïcödé ✓.md', 'T1059.006 - dup.md', '.hidden.md', 'a%20b.md', '(1).md', '#tag.md', 'CON.md');
const folder = fc.constantFrom('Detection Rules', 'Use Cases', 'Testing Runbooks', 'misc', 'Detection Rules/deep/er');

describe('bad input', () => {
  const clean = indexOf(GOOD);

  test('never throws, names the note, and loses nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(folder, oddName, corruption), { minLength: 1, maxLength: 6 }), (bad) => {
        const files: Record<string, string> = { ...GOOD };
        for (const [dir, name, text] of bad) files[`${dir}/${name}`] = text;
        const index = indexOf(files);
        // Every good note is indexed exactly as without the corrupted ones.
        for (const p of Object.keys(GOOD)) expect(index.get(p)?.facts).toEqual(clean.get(p)?.facts);
        const diags = index.diagnostics();
        for (const d of diags) expect(Object.keys(files)).toContain(d.path);
        // A later corruption may overwrite an earlier one at the same path: check what is on disk.
        for (const path of new Set(bad.map(([dir, name]) => `${dir}/${name}`))) {
          const text = files[path]!;
          expect(index.get(path)).toBeDefined();
          if (/^---\n(tags: \[t1059_006, detection_rule\n|title: "unclosed|: : :)/.test(text)) {
            expect(diags.some((d) => d.path === path && d.severity === 'error')).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  test('specific problems read plainly', () => {
    const index = indexOf({
      'a/broken.md': '---\ntags: [x\n---\n',
      'a/number.md': '---\ntags: 5\n---\n',
      'Detection Rules/bad-embed.md': '---\ntags: [detection_rule, t1059]\n---\n```yml\ntitle: [broken\n```\n',
    });
    const byPath = (p: string): string[] => index.diagnostics().filter((d) => d.path === p).map((d) => d.message);
    expect(byPath('a/broken.md').join()).toMatch(/yaml|frontmatter/i);
    expect(byPath('a/number.md').join()).toContain('"tags" is a number');
    expect(byPath('Detection Rules/bad-embed.md').join()).toContain('embedded yml rule at line 4 does not parse');
    // The broken embedded rule still counts as a rule on the technique its tags name.
    expect(index.technique('T1059').rules.map((r) => r.path)).toEqual(['Detection Rules/bad-embed.md']);
  });
});
