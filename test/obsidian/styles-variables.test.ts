/**
 * styles.css may use only Obsidian's own CSS variables (and the few it sets itself). The harness's
 * obsidian-vars.css lists Obsidian's documented variables for both themes; a variable missing there is either
 * not Obsidian's or untested in the screenshots and browser tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (p: string): string => readFileSync(join(__dirname, '../..', p), 'utf8');
const defined = (css: string): Set<string> => new Set([...css.matchAll(/(?:^|[;{\s])(--[\w-]+)\s*:/g)].map((m) => m[1] as string));

test('every variable styles.css reads is an Obsidian variable or one it sets itself', () => {
  const styles = read('styles.css');
  const used = new Set([...styles.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1] as string));
  expect(used.size).toBeGreaterThan(20);
  const known = new Set([...defined(read('harness/obsidian-vars.css')), ...defined(styles)]);
  expect([...used].filter((v) => !known.has(v))).toEqual([]);
});

test('every colour variable the stylesheet reads is set for the light and the dark theme', () => {
  const vars = read('harness/obsidian-vars.css');
  const block = (selector: string): Set<string> => {
    const at = vars.indexOf(`${selector} {`);
    return defined(vars.slice(at, vars.indexOf('}', at)));
  };
  const [light, dark] = [block('.theme-light'), block('.theme-dark')];
  const colours = [...read('styles.css').matchAll(/var\(\s*(--color-[\w-]+)/g)].map((m) => m[1] as string);
  expect(colours.length).toBeGreaterThan(0);
  expect(colours.filter((v) => !light.has(v) || !dark.has(v))).toEqual([]);
});
