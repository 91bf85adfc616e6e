import {
  bodyTags,
  dataviewTags,
  getAllTags,
  isValidTagBody,
  normalizeTag,
  parseFrontMatterTags,
  readMarkdown,
  tagMatches,
} from '../../src/core/markdown';
import { readFrontmatter } from '../../src/cli/frontmatter';
import MarkdownIt from 'markdown-it';

const read = (text: string) => readMarkdown(text, readFrontmatter);
const tagsOf = (text: string) => (read(text).cache.tags ?? []).map((t) => t.tag);

describe('isValidTagBody', () => {
  test.each(['a', 'T1059_006', 'y1984', 'a/b/c', 'x-y', '_', '日本語', 'émoji🎉', '1984book'])('%s is a tag', (s) => {
    expect(isValidTagBody(s)).toBe(true);
  });
  test.each(['', '123', 'a b', 'a,b', 'a.b', 'a:b', "it's", 'a#b', 'a!', 'a?', 'a(b)', 'a[b]', 'a{b}', 'a<b>', 'a@b', 'a$b', 'a%b', 'a^b', 'a&b', 'a*b', 'a+b', 'a=b', 'a|b', 'a\\b', 'a~b', 'a`b', 'a"b', 'a;b', 'a\tb', 'a\u2014b'])(
    '%j is not a tag',
    (s) => expect(isValidTagBody(s)).toBe(false),
  );
});

describe('body tags', () => {
  test('#123 is not a tag, #y1984 is', () => {
    expect(tagsOf('#123 and #y1984 and #1984book')).toEqual(['#y1984', '#1984book']);
  });

  test('tags in code blocks, inline code and tilde fences are not tags', () => {
    const text = ['#a `#b` ``#c ` d`` #e', '```', '#f', '```', '~~~md', '#g', '~~~', '    ', '#h'].join('\n');
    expect(tagsOf(text)).toEqual(['#a', '#e', '#h']);
  });

  test('an unclosed code span is literal, so the tag after it counts', () => {
    expect(tagsOf('a ` #b')).toEqual(['#b']);
  });

  test('a code span does not cross a blank line', () => {
    expect(tagsOf('a `x\n\n#b `')).toEqual(['#b']);
  });

  test.each<[string, string[]]>([
    ['# Title `x\n#tag `', ['#tag']],
    ['- a `x\n- #tag `y', ['#tag']],
    ['1. a `x\n1. #tag `y', ['#tag']],
    ['a `x\n#tag `', []],
    ['- a `x\n  #tag `', []],
    ['a `x\n2. #tag `', []],
  ])('a code span does not cross a heading or a new list item: %j', (text, want) => {
    // CommonMark (markdown-it) as the oracle: is the tag inside inline code?
    const inCode = /<code>[^<]*#tag/.test(new MarkdownIt().render(text));
    expect(inCode).toBe(want.length === 0);
    expect(tagsOf(text)).toEqual(want);
  });

  test('tags in headings are tags, and the heading text keeps them', () => {
    const { cache } = read('## Detection Rule #sigma\n');
    expect(cache.tags?.map((t) => t.tag)).toEqual(['#sigma']);
    expect(cache.headings).toEqual([
      { heading: 'Detection Rule #sigma', level: 2, position: { start: { line: 0, col: 0, offset: 0 }, end: { line: 0, col: 24, offset: 24 } } },
    ]);
  });

  test('heading markers are not tags; #tag at line start is a tag, not a heading', () => {
    const { cache } = read('# Title\n#tag\n');
    expect(cache.tags?.map((t) => t.tag)).toEqual(['#tag']);
    expect(cache.headings?.map((h) => h.heading)).toEqual(['Title']);
  });

  test('nested tag #a/b/c is kept whole', () => {
    expect(tagsOf('see #a/b/c.')).toEqual(['#a/b/c']);
  });

  test('a tag ends at punctuation; a # inside a word is not a tag', () => {
    expect(tagsOf('#foo, #bar. foo#baz #x#y &#039; (#paren)')).toEqual(['#foo', '#bar', '#x']);
  });

  test('escaped hash is not a tag; after an escaped bracket it is (recorded)', () => {
    expect(tagsOf('\\#no \\[#yes')).toEqual(['#yes']);
  });

  test('comments, math, wikilinks, link targets and URLs hide tags', () => {
    const text = '%% #c1 %% <!-- #c2 --> $$ #m $$ [[note#h|#alias]] [t](note.md#x) https://e.com/#frag #ok';
    expect(tagsOf(text)).toEqual(['#ok']);
  });

  test('an unclosed %% comment hides the rest of the note', () => {
    expect(tagsOf('#a %% #b\n\n#c')).toEqual(['#a']);
  });

  test('tags inside blockquotes and callouts count, code inside them does not', () => {
    const text = '>[!info]- Rules\n>```query\n>tag: #nope\n>```\n> #yes\n>#also\n';
    expect(tagsOf(text)).toEqual(['#yes', '#also']);
  });

  test('frontmatter text is not scanned for body tags', () => {
    expect(tagsOf('---\ntitle: "#no"\n---\n#yes')).toEqual(['#yes']);
  });

  test('bodyTags finds the skipped ranges itself when none are given', () => {
    const text = '---\na: "#x"\n---\n```\n#no\n```\n#yes';
    expect(bodyTags(text).map((t) => [t.tag, t.position.start.line, t.position.start.col])).toEqual([['#yes', 6, 0]]);
  });
});

describe('parseFrontMatterTags (Obsidian)', () => {
  test.each<[Record<string, unknown> | null, string[] | null]>([
    [null, null],
    [{}, null],
    [{ tags: null }, null],
    [{ tags: [] }, []],
    [{ tags: 'one' }, ['#one']],
    [{ tags: '#one' }, ['#one']],
    [{ tags: 'a, b' }, []],
    [{ tags: 'a b' }, []],
    [{ tags: ['a', 'b/c', 'not valid', 7, { x: 1 }, null] }, ['#a', '#b/c']],
    [{ tags: 5 }, []],
    [{ tags: { a: 1 } }, []],
    [{ tag: 'single' }, ['#single']],
    [{ TAGS: ['x'] }, null],
    [{ TAG: ['x'] }, null],
  ])('%j → %j', (fm, want) => expect(parseFrontMatterTags(fm)).toEqual(want));
});

describe('getAllTags', () => {
  test('frontmatter tags first, then body tags, duplicates kept', () => {
    const { cache } = read('---\ntags: [a, b]\n---\n#b #c #c\n');
    expect(getAllTags(cache)).toEqual(['#a', '#b', '#b', '#c', '#c']);
  });

  test('tags: 5 and tags: {a: 1} give no frontmatter tags', () => {
    expect(getAllTags(read('---\ntags: 5\n---\n#x').cache)).toEqual(['#x']);
    expect(getAllTags(read('---\ntags: {a: 1}\n---\n#x').cache)).toEqual(['#x']);
  });

  test('flow list tags: [a, b] behaves like a block list', () => {
    const { cache } = read('---\ntags: [T1059_006, techniques, Execution]\n---\n');
    expect(cache.frontmatter).toEqual({ tags: ['T1059_006', 'techniques', 'Execution'] });
    expect(getAllTags(cache)).toEqual(['#T1059_006', '#techniques', '#Execution']);
  });
});

describe('dataviewTags', () => {
  test('tags: a, b gives two tags for Dataview and none for Obsidian', () => {
    const fm = { tags: 'a, b' };
    expect(dataviewTags(fm, [])).toEqual(['a', 'b']);
    expect(parseFrontMatterTags(fm)).toEqual([]);
  });

  test('keys in any case, split on commas and whitespace, arrays flattened, # stripped, deduplicated caselessly', () => {
    const fm = { TAG: ['x y', ['#z', 'X']], Tags: 'Execution,  t1059_006', other: 'no' };
    expect(dataviewTags(fm, ['#T1059_006', '#body', 'execution'])).toEqual(['x', 'y', 'z', 'Execution', 't1059_006', 'body']);
  });

  test('numbers count, objects and null are ignored', () => {
    expect(dataviewTags({ tags: [2024, null, { a: 1 }] }, [])).toEqual(['2024']);
    expect(dataviewTags(null, [])).toEqual([]);
  });

  // Dataview's splitFrontmatterTagOrAlias filters a list with `!!s` before writing each entry out, but
  // writes out a value standing alone with `"" + data`.
  test('a list drops its falsy entries (0, false, empty); a value on its own is written out', () => {
    expect(dataviewTags({ tags: [0, false, '', Number.NaN, true, 1, 'a', [0, 'b']] }, [])).toEqual(['true', '1', 'a', 'b']);
    expect(dataviewTags({ tags: 0 }, [])).toEqual(['0']);
    expect(dataviewTags({ tag: false }, [])).toEqual(['false']);
  });

  test('accepts body tags as cache entries', () => {
    const { cache } = read('#A #a #b');
    expect(dataviewTags(cache.frontmatter, cache.tags)).toEqual(['A', 'b']);
  });
});

describe('normalizeTag and tagMatches', () => {
  test('normalizeTag strips # and lower-cases', () => {
    expect(normalizeTag('#T1059_006')).toBe('t1059_006');
    expect(normalizeTag('Detection_Rule')).toBe('detection_rule');
  });
  test.each<[string, string, boolean]>([
    ['#T1059_006', 't1059_006', true],
    ['t1059_006/x', '#T1059_006', true],
    ['#a/b/c', 'a/b', true],
    ['#T1059_006', 'T1059', false],
    ['#ab', 'a', false],
    ['#a', 'a/b', false],
  ])('%s matches %s: %s', (note, query, want) => expect(tagMatches(note, query)).toBe(want));
});
