import fc from 'fast-check';
import { getAllTags, isValidTagBody, parseFrontMatterTags, readMarkdown, findCodeBlocks, dataviewTags } from '../../src/core/markdown';
import { readFrontmatter } from '../../src/cli/frontmatter';

/** Markdown-ish text: the pieces that drive the scanners, mixed with arbitrary Unicode. */
const piece = fc.oneof(
  fc.constantFrom(
    '#', '#tag', '#a/b', '#123', ' ', '\n', '\r\n', '\t', '`', '``', '```', '~~~', '[', ']', '[[', ']]', '![[', '(', ')', '!', '|',
    '>', '> ', '>[!info] ', '-', '- ', '1. ', '---', '***', '%%', '$$', '<!--', '-->', '<div>', '\\', '"', "'", ':', ',', '/', '^',
    '\uFEFF', '\u200b', 'é', '日本', '🎉', 'http://x.y/#z', '[t](a.md)', '    ', '# ', '## ', '=', 'tags: ', '  - ',
  ),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const markdownish = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary' }), markdownish);

function checkCache(text: string) {
  const { cache, problems } = readMarkdown(text, readFrontmatter);
  expect(Array.isArray(problems)).toBe(true);
  for (const tag of getAllTags(cache)) {
    expect(tag.startsWith('#')).toBe(true);
    expect(isValidTagBody(tag.slice(1))).toBe(true);
  }
  let last = -1;
  for (const t of cache.tags ?? []) {
    // Positions point at the tag in the original text, in document order.
    expect(text.slice(t.position.start.offset, t.position.end.offset)).toBe(t.tag);
    expect(t.position.start.offset).toBeGreaterThan(last);
    last = t.position.start.offset;
    const lineStart = t.position.start.offset - t.position.start.col;
    expect(lineStart === 0 || text[lineStart - 1] === '\n').toBe(true);
  }
  for (const l of [...(cache.links ?? []), ...(cache.embeds ?? [])]) {
    expect(text.slice(l.position.start.offset, l.position.end.offset)).toBe(l.original);
  }
  for (const s of cache.sections ?? []) expect(s.position.start.offset).toBeLessThanOrEqual(s.position.end.offset);
}

describe('properties', () => {
  test('readMarkdown never throws, and its tags and positions are consistent', () => {
    fc.assert(fc.property(anyText, checkCache), { numRuns: 1500 });
  });

  test('the same inside a frontmatter block', () => {
    fc.assert(fc.property(anyText, anyText, (fm, body) => checkCache(`---\n${fm}\n---\n${body}`)), { numRuns: 1000 });
  });

  test('YAML-ish frontmatter never throws either', () => {
    const yamlish = fc
      .array(fc.oneof(piece, fc.constantFrom('tags: ', 'tag: ', 'TAGS: ', '[', ']', '{', '}', '&a ', '*a', '!!str ', '? ', '- ', '\n  ', '"', ': ')), { maxLength: 40 })
      .map((p) => p.join(''));
    fc.assert(fc.property(yamlish, anyText, (fm, body) => checkCache(`---\n${fm}\n---\n${body}`)), { numRuns: 1000 });
  });

  test('parseFrontMatterTags and dataviewTags accept any value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('tags', 'tag', 'Tags', 'x'), fc.jsonValue()), (fm) => {
        for (const t of parseFrontMatterTags(fm) ?? []) expect(isValidTagBody(t.slice(1))).toBe(true);
        expect(Array.isArray(dataviewTags(fm, []))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('findCodeBlocks: content offsets stay within the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const b of findCodeBlocks(text)) {
          expect(0 <= b.start.offset && b.start.offset <= b.end.offset && b.end.offset <= text.length).toBe(true);
          expect(b.contentStart <= b.contentEnd && b.contentEnd <= text.length).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
