/**
 * `readForIndex` is `readMarkdown` without positions, sections and links: the CLI's scan reads notes
 * with it. Its tags, headings, frontmatter and code blocks, and the facts the index draws from them,
 * must be exactly `readMarkdown`'s, which the Obsidian recordings pin down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { readForIndex, readMarkdown } from '../../src/core/markdown';
import { readFrontmatter } from '../../src/cli/frontmatter';
import { parseYamlCore } from '../../src/cli/yaml';
import { analyzeNote } from '../../src/core/note';
import { listFiles } from '../support/corpus';

function sameReading(text: string, notePath = 'Notes/x.md'): void {
  const full = readMarkdown(text, readFrontmatter);
  const lean = readForIndex(text, readFrontmatter);
  expect(lean.problems).toEqual(full.problems);
  expect(lean.codeBlocks).toEqual(full.codeBlocks);
  expect(lean.cache.frontmatter).toEqual(full.cache.frontmatter);
  expect(lean.cache.tags?.map((t) => t.tag)).toEqual(full.cache.tags?.map((t) => t.tag));
  expect(lean.cache.headings?.map((h) => [h.heading, h.level])).toEqual(full.cache.headings?.map((h) => [h.heading, h.level]));
  const env = { parseYaml: parseYamlCore };
  const facts = (r: typeof lean) => analyzeNote({ path: notePath, cache: r.cache, text, codeBlocks: r.codeBlocks, readProblems: r.problems }, env);
  expect(facts(lean)).toEqual(facts(full));
}

const piece = fc.oneof(
  fc.constantFrom(
    '#', '#tag', '#a/b', '#T1059_001', ' ', '\n', '\r\n', '\t', '`', '``', '```', '~~~', '[', ']', '[[', ']]', '![[', '(', ')', '!',
    '>', '> ', '>[!info] ', '- ', '1. ', '---', '***', '%%', '$$', '<!--', '-->', '<div>', '\\', '"', ':', '    ', '# ', '## ', '===',
    '```yml\n', '~~~sigma\n', 'title: x\n', 'tags:\n  - attack.t1059.001\n', 'logsource:\n  product: windows\ndetection:\n  sel: 1\n',
    '## Atomic Test #1 - x\n', '\u00a0', 'é', '🎉',
  ),
  fc.string({ maxLength: 4 }),
);
const markdownish = fc.array(piece, { maxLength: 80 }).map((p) => p.join(''));

describe('readForIndex reads what readMarkdown reads', () => {
  test('on generated Markdown, with and without frontmatter', () => {
    fc.assert(fc.property(markdownish, (t) => sameReading(t)), { numRuns: 1500 });
    fc.assert(fc.property(markdownish, markdownish, (a, b) => sameReading(`---\n${a}\n---\n${b}`)), { numRuns: 1000 });
  });

  test('on every note of test-vault', () => {
    const root = path.resolve(__dirname, '../../test-vault');
    const files = listFiles(root, ['.md']);
    expect(files.length).toBeGreaterThan(600);
    for (const f of files) sameReading(readFileSync(f, 'utf8'), path.relative(root, f));
  });
});
