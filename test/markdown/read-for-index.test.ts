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
import { mayHoldTag, scanInline } from '../../src/core/markdown/inline';

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

// readForIndex skips the inline pass when mayHoldTag says no tag can be there: it must never say so wrongly.
describe('mayHoldTag', () => {
  const tagsFound = (text: string): number => scanInline(text, 0, []).filter((t) => t.kind === 'tag').length;

  test('is true wherever the inline pass finds a tag, on generated Markdown', () => {
    const tagish = fc.oneof(piece, fc.constantFrom('#1', '#12a', '#\u2001x', 'a#b', '\\#x', '#_', '#/', '#-'), fc.string({ unit: 'binary', maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(tagish, { maxLength: 40 }).map((p) => p.join('')), (t) => {
        if (tagsFound(t) > 0) expect(mayHoldTag(t, 0)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  test('says no only where no tag can start', () => {
    for (const t of ['', 'no hash', '# Heading', '## Atomic Test #1 - x', '#123 and #4', 'a # b', '#!x', '#\u2000x']) {
      expect(tagsFound(t)).toBe(0);
      expect(mayHoldTag(t, 0)).toBe(false);
    }
    for (const t of ['#tag', 'x #T1059_001', '#1a', '#é', '#a/b']) expect(mayHoldTag(t, 0)).toBe(true);
    // Only the text from `from` on counts: the frontmatter before the body is not the inline pass's.
    expect(mayHoldTag('#tag\nbody', 5)).toBe(false);
  });
});
