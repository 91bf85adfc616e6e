/** Every atomic and every SigmaHQ `rules/` file of the corpus through the note writers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load } from 'js-yaml';
import { atomicNote } from '../../src/core/import/atomic-note';
import { sigmaRuleNote } from '../../src/core/import/sigma-note';
import { describeCorpus, listFiles } from '../support/corpus';
import { frontmatter, yamlBlocks } from './note-parts';

type Obj = Record<string, unknown>;

describeCorpus('atomic notes for every atomic in the corpus', (corpus) => {
  const files = listFiles(path.join(corpus, 'atomic-red-team/atomics'), ['.yaml']);

  test('one "## Atomic Test #" heading per test, and a tag for the technique', () => {
    expect(files.length).toBeGreaterThan(300);
    const problems: string[] = [];
    let tests = 0;
    for (const f of files) {
      const atomic = load(readFileSync(f, 'utf8')) as Obj;
      const expected = (atomic.atomic_tests as unknown[]).length;
      tests += expected;
      const note = atomicNote(atomic);
      const headings = note.match(/^## Atomic Test #\d+ - /gm)?.length ?? 0;
      if (headings !== expected) problems.push(`${path.basename(f)}: ${headings} headings for ${expected} tests`);
      const tags = frontmatter(note).tags as string[];
      const id = String(atomic.attack_technique);
      if (tags[0] !== id.replace('.', '_') || tags[1] !== 'atomic_test') problems.push(`${path.basename(f)}: tags ${tags.join(',')}`);
    }
    expect(problems).toEqual([]);
    expect(tests).toBeGreaterThan(1500);
  });
});

describeCorpus('rule notes for every Sigma rule in corpus rules/', (corpus) => {
  const files = listFiles(path.join(corpus, 'sigma/rules'), ['.yml', '.yaml']);
  const techniqueTag = /^t\d{4}(_\d{3})?$/i;

  test('technique tags match the rule, the embedded YAML parses back to the rule', () => {
    expect(files.length).toBeGreaterThan(3000);
    const problems: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const rule = load(text) as Obj;
      const note = sigmaRuleNote(text, rule);
      const fm = frontmatter(note);
      const ruleTechniques = ((rule.tags as string[] | undefined) ?? [])
        .filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t))
        .map((t) => t.slice('attack.'.length).replace('.', '_').toLowerCase());
      const noteTechniques = (fm.tags as string[]).filter((t) => techniqueTag.test(t)).map((t) => t.toLowerCase());
      const name = path.relative(corpus, f);
      if (JSON.stringify(noteTechniques) !== JSON.stringify(ruleTechniques)) problems.push(`${name}: tags ${noteTechniques.join()} vs ${ruleTechniques.join()}`);
      if ((fm.tags as string[]).at(-1) !== 'detection_rule') problems.push(`${name}: no detection_rule tag`);
      if (fm.title !== String(rule.title).replace(/\s+/g, ' ').trim()) problems.push(`${name}: title`);
      const blocks = yamlBlocks(note);
      if (blocks.length !== 1) problems.push(`${name}: ${blocks.length} yml blocks`);
      else if (!isDeepStrictEqual(load(blocks[0] as string), rule)) problems.push(`${name}: embedded YAML differs`);
    }
    expect(problems).toEqual([]);
  });
});
