/** The CLI's gray-matter wrapper (src/cli/frontmatter.ts). */
import matter from 'gray-matter';
import { parseFrontmatterBlock, readFrontmatter } from '../../src/cli/frontmatter';

const pwned = () => (globalThis as { __pwned?: unknown }).__pwned;

describe('readFrontmatter', () => {
  test('returns data and the offset after the closing line', () => {
    const text = '---\ntitle: "File Was Not Allowed To Run"\ncreated: "2020/06/28"\n---\nbody';
    expect(readFrontmatter(text)).toEqual({ data: { title: 'File Was Not Allowed To Run', created: '2020/06/28' }, yamlEnd: text.indexOf('body') });
  });

  test('no frontmatter, unclosed, or not at the very start', () => {
    expect(readFrontmatter('body')).toEqual({ data: null, yamlEnd: 0 });
    expect(readFrontmatter('---\na: 1\n')).toEqual({ data: null, yamlEnd: 0 });
    expect(readFrontmatter('\n---\na: 1\n---\n')).toEqual({ data: null, yamlEnd: 0 });
  });

  test('empty or comment-only block gives null data', () => {
    expect(readFrontmatter('---\n---\n').data).toBeNull();
    expect(readFrontmatter('---\n\n# just a comment\n#\n---\n').data).toBeNull();
  });

  test('CORE_SCHEMA: dates stay strings; JSON frontmatter works (recorded jason_properties)', () => {
    expect(readFrontmatter('---\ncreated: 2020-03-09\nt: 2024-07-21T12:37:00\n---\n').data).toEqual({ created: '2020-03-09', t: '2024-07-21T12:37:00' });
    expect(readFrontmatter('---\n{\n  "tags": "journal",\n  "publish": false\n}\n---\n').data).toEqual({ tags: 'journal', publish: false });
  });

  test('a scalar or list at top level is no frontmatter, plus a problem', () => {
    expect(readFrontmatter('---\njust text\n---\n')).toEqual({ data: null, yamlEnd: 18, error: expect.stringContaining('a string') });
    expect(readFrontmatter('---\n- a\n- b\n---\n')).toEqual({ data: null, yamlEnd: 16, error: expect.stringContaining('a list') });
  });

  test('YAML errors come back with the note line and reason', () => {
    const r = readFrontmatter('---\ntitle: ok\ntags: [a, b\n---\n');
    expect(r.data).toBeNull();
    expect(r.error).toMatch(/^Frontmatter YAML error at line \d+: .+/);
    expect(readFrontmatter('---\na: 1\na: 2\n---\n').error).toBe('Frontmatter YAML error at line 3: duplicated mapping key');
  });

  test('a line starting with --- inside the block is an error, not a silent cut', () => {
    expect(readFrontmatter('---\na: 1\n--- b\nc: 2\n---\n')).toEqual({ data: null, yamlEnd: expect.any(Number), error: expect.stringContaining('---') });
  });

  test('YAML alias fan-out is capped', () => {
    const refs = Array.from({ length: 200 }, () => '*a').join(', ');
    expect(readFrontmatter(`---\nx: &a 1\ny: [${refs}]\n---\n`).error).toMatch(/^Frontmatter YAML error/);
  });
});

describe('JavaScript front matter never runs', () => {
  const payload = '---js\n{ title: (globalThis.__pwned = true, "x") }\n---\n';

  afterEach(() => {
    delete (globalThis as { __pwned?: unknown }).__pwned;
  });

  test('through readFrontmatter (Obsidian does not treat ---js as frontmatter)', () => {
    expect(readFrontmatter(payload)).toEqual({ data: null, yamlEnd: 0 });
    expect(pwned()).toBeUndefined();
  });

  test('through the gray-matter call itself (js and javascript engines are off)', () => {
    expect(parseFrontmatterBlock(payload)).toEqual({ data: null });
    expect(parseFrontmatterBlock(payload.replace('---js', '---javascript'))).toEqual({ data: null });
    expect(pwned()).toBeUndefined();
  });

  test('and gray-matter keeps no global cache for our calls', () => {
    const before = Object.keys((matter as unknown as { cache: object }).cache).length;
    readFrontmatter('---\nunique: 8c1f\n---\n');
    expect(Object.keys((matter as unknown as { cache: object }).cache)).toHaveLength(before);
  });
});
