/**
 * 10 MB inputs, including shapes that make naive scanners quadratic: a quadratic pass would take minutes
 * and run into the test's time-out. What is timed is in the benchmark; here each input must be read whole
 * and without a problem.
 */
import { readMarkdown } from '../../src/core/markdown';
import { readFrontmatter } from '../../src/cli/frontmatter';

const MB10 = 10 * 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(MB10 / unit.length)).slice(0, MB10);

const shapes: Record<string, string> = {
  'ordinary notes': fill('## Heading #tag\n\nText with [[link|alias]], `code` and [md](x.md) #t1\n\n```yaml\nfoo: bar\n```\n- [ ] #task\n> [!info]\n> quoted #q\n\n'),
  'unclosed [[': fill('[['),
  'unclosed [a](b(': fill('[a](b('),
  'nested parentheses': fill('[a](b(c)'),
  'backtick runs': fill('` `` ``` '),
  'unclosed $$ and <!--': fill('a $$ b <!-- '),
  'quoted fences': fill('> ```\n'),
  'tab-indented fences in no list': fill('\t```\n'),
  'fences in list items': fill('- a\n\t```\n\tx\n\t```\n'),
  'unclosed frontmatter': '---\n' + fill('a: 1\n'),
};

const ORDINARY_UNIT = '## Heading #tag\n';

describe('10 MB inputs are read whole', () => {
  test.each(Object.keys(shapes))('%s', (name) => {
    const text = shapes[name] ?? '';
    const { cache, problems } = readMarkdown(text, readFrontmatter);
    expect(problems).toEqual([]);
    if (name === 'ordinary notes') {
      // Every unit's heading is there, down to the last one in the text.
      expect(cache.headings?.length).toBe(text.split(ORDINARY_UNIT).length - 1);
    }
  }, 60_000);
});
