import { bodyLinks, frontmatterLinks, readMarkdown, type FrontmatterReader } from '../../src/core/markdown';
import type { Pos } from '../../src/core/metadata';
import { readFrontmatter } from '../../src/cli/frontmatter';

const read = (text: string) => readMarkdown(text, readFrontmatter);
const slice = (text: string, p: Pos | undefined) => text.slice(p?.start.offset, p?.end.offset);

describe('readMarkdown: encodings and degenerate files', () => {
  test('leading BOM: frontmatter is found and offsets count the BOM', () => {
    const text = '\uFEFF---\ntags: [a]\n---\n# T\n#x\n';
    const { cache, problems } = read(text);
    expect(problems).toEqual([]);
    expect(cache.frontmatter).toEqual({ tags: ['a'] });
    expect(cache.frontmatterPosition?.start).toEqual({ line: 0, col: 1, offset: 1 });
    expect(slice(text, cache.frontmatterPosition)).toBe('---\ntags: [a]\n---');
    expect(cache.tags?.map((t) => slice(text, t.position))).toEqual(['#x']);
    expect(cache.headings?.map((h) => h.heading)).toEqual(['T']);
  });

  test('BOM without frontmatter: a tag right after it counts', () => {
    expect(read('\uFEFF#x').cache.tags?.map((t) => t.tag)).toEqual(['#x']);
  });

  test('CRLF: frontmatter parsed, positions right in the original text', () => {
    const text = '---\r\ntags:\r\n  - a\r\ncreated: 2020-03-09\r\n---\r\n\r\n## Rule #sigma\r\n[[Other note|alias]] #t\r\n```\r\n#no\r\n```\r\n';
    const { cache, problems } = read(text);
    expect(problems).toEqual([]);
    expect(cache.frontmatter).toEqual({ tags: ['a'], created: '2020-03-09' });
    expect(slice(text, cache.frontmatterPosition)).toBe('---\r\ntags:\r\n  - a\r\ncreated: 2020-03-09\r\n---');
    expect(cache.tags?.map((t) => [slice(text, t.position), t.position.start.line])).toEqual([
      ['#sigma', 6],
      ['#t', 7],
    ]);
    expect(cache.headings?.map((h) => [h.heading, slice(text, h.position)])).toEqual([['Rule #sigma', '## Rule #sigma']]);
    expect(cache.links?.map((l) => [l.link, l.displayText, slice(text, l.position)])).toEqual([['Other note', 'alias', '[[Other note|alias]]']]);
    expect(cache.sections?.map((s) => s.type)).toEqual(['yaml', 'heading', 'paragraph', 'code']);
  });

  test('empty file', () => {
    expect(read('')).toEqual({ cache: { frontmatter: null }, problems: [], codeBlocks: [] });
  });

  test('only ---\\n--- : no frontmatter, but a yaml section (as recorded for empty_yaml)', () => {
    const { cache, problems } = read('---\n---');
    expect(problems).toEqual([]);
    expect(cache.frontmatter).toBeNull();
    expect(cache.frontmatterPosition).toBeUndefined();
    expect(cache.sections).toEqual([{ type: 'yaml', position: { start: { line: 0, col: 0, offset: 0 }, end: { line: 1, col: 3, offset: 7 } } }]);
  });

  test('unclosed frontmatter is no frontmatter (Obsidian), and its text is body', () => {
    const { cache } = read('---\ntags: a\n#x');
    expect(cache.frontmatter).toBeNull();
    expect(cache.tags?.map((t) => t.tag)).toEqual(['#x']);
  });

  test('---js is not a frontmatter opener, and nothing runs', () => {
    const { cache } = read('---js\n{ title: (globalThis.__pwned = true, "x") }\n---\n');
    expect(cache.frontmatter).toBeNull();
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  test('broken YAML becomes a problem, not an exception', () => {
    const { cache, problems } = read('---\ntitle: x\nfoo: [\n---\nbody #t');
    expect(cache.frontmatter).toBeNull();
    expect(problems).toEqual([expect.stringMatching(/^Frontmatter YAML error at line \d+: /)]);
    expect(cache.tags?.map((t) => t.tag)).toEqual(['#t']);
  });

  test('a reader that throws becomes a problem', () => {
    const boom: FrontmatterReader = () => {
      throw new Error('boom');
    };
    const { cache, problems } = readMarkdown('---\na: 1\n---\n', boom);
    expect(cache.frontmatter).toBeNull();
    expect(problems).toEqual(['Frontmatter could not be read: boom']);
  });

  test('values as Obsidian keeps them: dates stay strings, numbers are numbers', () => {
    const { cache } = read('---\ncreated: 2020-03-09\nversion: 1.0\nn: 42\nok: yes\nb: true\nlast_modified: ""\n---\n');
    expect(cache.frontmatter).toEqual({ created: '2020-03-09', version: 1, n: 42, ok: 'yes', b: true, last_modified: '' });
  });
});

describe('headings and sections', () => {
  test('a heading line inside a code block is not a heading', () => {
    const { cache } = read('# Real\n```md\n# Not a heading\n```\n> # quoted\n');
    expect(cache.headings?.map((h) => h.heading)).toEqual(['Real']);
    expect(cache.sections?.map((s) => s.type)).toEqual(['heading', 'code', 'blockquote']);
  });

  test('ATX levels, closing hashes, #tag-looking text and 7 hashes', () => {
    const { cache } = read('# One\n###### Six ##\n####### seven\n#NoSpace\n##\n');
    expect(cache.headings?.map((h) => [h.level, h.heading])).toEqual([
      [1, 'One'],
      [6, 'Six'],
      [2, ''],
    ]);
  });

  test('section types', () => {
    const text = '# H\n\npara\nmore\n\n- a\n- b\n\n  cont\n\n> [!note]\n> x\n\n> q\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n$$\nx\n$$\n\n%%\nc\n%%\n\n    code\n\n<div>\nx\n</div>\n';
    const { cache } = read(text);
    expect(cache.sections?.map((s) => s.type)).toEqual([
      'heading', 'paragraph', 'list', 'callout', 'blockquote', 'table', 'thematicBreak', 'math', 'comment', 'code', 'html',
    ]);
    expect(cache.sections?.map((s) => slice(text, s.position))[2]).toBe('- a\n- b\n\n  cont');
  });
});

describe('links and embeds', () => {
  test('wikilinks, embeds and markdown links with display text', () => {
    const text = 'a [[T1059.006|Python]] ![[diagram.png]] ![alt](img/x.png) [Rule](Detection%20Rules/r.md#sec) [ext](https://attack.mitre.org/#x) [mail](mailto:a@b.c) [[#h1#h2]] `[[code]]` \\[\\[esc\\]\\]';
    const { links, embeds } = bodyLinks(text);
    expect(links.map((l) => [l.link, l.displayText, l.original])).toEqual([
      ['T1059.006', 'Python', '[[T1059.006|Python]]'],
      ['Detection Rules/r.md#sec', 'Rule', '[Rule](Detection%20Rules/r.md#sec)'],
      ['#h1#h2', 'h1 > h2', '[[#h1#h2]]'],
    ]);
    expect(embeds.map((l) => [l.link, l.displayText, slice(text, l.position)])).toEqual([
      ['diagram.png', 'diagram.png', '![[diagram.png]]'],
      ['img/x.png', 'alt', '![alt](img/x.png)'],
    ]);
  });

  test('link targets: angle brackets, titles, balanced parentheses', () => {
    const { links } = bodyLinks('[a](<my note.md>) [b](b.md "Title") [c](T1059 (x).md)');
    expect(links.map((l) => l.link)).toEqual(['my note.md', 'b.md']);
    expect(bodyLinks('[c](T1059_(x).md)').links.map((l) => l.link)).toEqual(['T1059_(x).md']);
  });

  test('links are not read across lines, in the frontmatter, or from [[]]', () => {
    const text = '---\nup: "[[fm]]"\n---\n[[a\nb]] [[]] [x]\n(y.md)';
    const { cache } = read(text);
    expect(cache.links).toBeUndefined();
    expect(cache.frontmatterLinks).toEqual([{ key: 'up', link: 'fm', original: '[[fm]]', displayText: 'fm' }]);
  });

  test('frontmatterLinks: whole-value wikilinks only, list items keyed key.N', () => {
    expect(
      frontmatterLinks({
        a: '[[x|Alias]]',
        b: ['[[y#h]]', 'plain', 3, '[[z]]'],
        c: 'see [[x]]',
        d: '[[x]] and [[y]]',
        e: { f: '[[nested]]' },
      }),
    ).toEqual([
      { key: 'a', link: 'x', original: '[[x|Alias]]', displayText: 'Alias' },
      { key: 'b.0', link: 'y#h', original: '[[y#h]]', displayText: 'y > h' },
      { key: 'b.3', link: 'z', original: '[[z]]', displayText: 'z' },
    ]);
    expect(frontmatterLinks(null)).toEqual([]);
  });
});
