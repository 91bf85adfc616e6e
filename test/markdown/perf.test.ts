/**
 * 10 MB inputs, including shapes that make naive scanners quadratic. A quadratic pass would take minutes
 * here; the bound is loose so that slow CI machines still pass.
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
  'unclosed frontmatter': '---\n' + fill('a: 1\n'),
};

describe('10 MB inputs are read in linear time', () => {
  test.each(Object.keys(shapes))('%s', (name) => {
    const t0 = Date.now();
    readMarkdown(shapes[name] ?? '', readFrontmatter);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 60_000);
});
