import { findCodeBlocks } from '../../src/core/markdown';

describe('findCodeBlocks', () => {
  test('backtick and tilde fences, lang is the first info word lower-cased', () => {
    const text = 'intro\n```YAML title="x"\na: 1\n```\n~~~ Python\nprint(1)\n~~~\n';
    const blocks = findCodeBlocks(text);
    expect(blocks.map((b) => [b.lang, b.info, b.content])).toEqual([
      ['yaml', 'YAML title="x"', 'a: 1'],
      ['python', 'Python', 'print(1)'],
    ]);
    const [first] = blocks;
    expect(first?.start).toEqual({ line: 1, col: 0, offset: 6 });
    expect(first?.end).toEqual({ line: 3, col: 3, offset: 32 });
    expect(text.slice(first?.contentStart, first?.contentEnd)).toBe('a: 1\n');
  });

  test('the closing fence must use the same character and be at least as long', () => {
    const text = '````md\n```\n~~~~\ninner\n````\nafter';
    const [b] = findCodeBlocks(text);
    expect(b?.content).toBe('```\n~~~~\ninner');
    expect(findCodeBlocks(text)).toHaveLength(1);
  });

  test('an unclosed block runs to the end of the file', () => {
    const text = 'a\n```sigma\ntitle: x\n\nmore';
    const [b] = findCodeBlocks(text);
    expect(b?.content).toBe('title: x\n\nmore');
    expect(b?.contentEnd).toBe(text.length);
    expect(b?.end.offset).toBe(text.length);
  });

  test('indented up to three spaces; the indentation is removed from content', () => {
    const text = '   ```toml\n   a = 1\n     b = 2\n   ```\n    ```\nnot a fence';
    const blocks = findCodeBlocks(text);
    expect(blocks.map((b) => [b.lang, b.content])).toEqual([['toml', 'a = 1\n  b = 2']]);
    expect(blocks[0]?.start.col).toBe(3);
  });

  test('a backtick info string cannot hold a backtick', () => {
    expect(findCodeBlocks('``` a`b\nx')).toEqual([]);
    // So here only the last line opens a block (unclosed, empty).
    expect(findCodeBlocks('``` a`b\nx\n```').map((b) => [b.lang, b.content])).toEqual([['', '']]);
    expect(findCodeBlocks('~~~ a`b\nx\n~~~').map((b) => b.info)).toEqual(['a`b']);
  });

  test('inside a callout (hub note of domain.md §1.1): the > prefix is stripped', () => {
    const text = '# Hub\n\n>[!info]- Detection rules\n>```query\n>tag: detection_rule\n>tag: T1059_006\n>```\n\n```dataview\nTABLE x\n```\n';
    const blocks = findCodeBlocks(text);
    expect(blocks.map((b) => [b.lang, b.content])).toEqual([
      ['query', 'tag: detection_rule\ntag: T1059_006'],
      ['dataview', 'TABLE x'],
    ]);
    expect(blocks[0]?.start).toEqual({ line: 3, col: 1, offset: text.indexOf('```query') });
  });

  test('inside a blockquote with "> " and nested quotes', () => {
    const [a, b] = findCodeBlocks('> ```js\n> x\n>   y\n> ```\n\n> > ~~~\n> > z\n> > ~~~');
    expect(a?.content).toBe('x\n  y');
    expect(b?.content).toBe('z');
  });

  test('a quoted block ends where the quote ends', () => {
    const text = '> ```\n> inside\nnot quoted\n```\nreal\n```';
    const blocks = findCodeBlocks(text);
    expect(blocks.map((b) => b.content)).toEqual(['inside', 'real']);
    expect(blocks[0]?.contentEnd).toBe(text.indexOf('not quoted'));
  });

  test('CRLF line endings: content has no \\r, offsets refer to the original text', () => {
    const text = 'a\r\n```yml\r\nk: v\r\n```\r\n';
    const [b] = findCodeBlocks(text);
    expect(b?.content).toBe('k: v');
    expect(b?.lang).toBe('yml');
    expect(text.slice(b?.start.offset, b?.end.offset)).toBe('```yml\r\nk: v\r\n```');
  });

  test('from skips earlier text', () => {
    const text = '```\na\n```\n```\nb\n```';
    expect(findCodeBlocks(text, text.indexOf('```\nb')).map((b) => b.content)).toEqual(['b']);
  });

  test('returns exactly the CodeBlock fields', () => {
    const [b] = findCodeBlocks('```x\ny\n```');
    expect(Object.keys(b ?? {}).sort()).toEqual(['content', 'contentEnd', 'contentStart', 'end', 'info', 'lang', 'start']);
  });
});
