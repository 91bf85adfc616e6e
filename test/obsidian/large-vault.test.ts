/**
 * @jest-environment jsdom
 *
 * The plugin over a seed-format vault of a few thousand notes: it finishes indexing, the pane shows a
 * technique's coverage as the engine computes it, and an edit still reaches the pane.
 */
import { syntheticFiles } from '../../bench/synthetic';
import { REFRESH_MS } from '../../src/obsidian/constants';
import { advance, pane, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

test('3,000 notes: indexing completes, the pane matches the engine, edits show', async () => {
  const files = syntheticFiles(3000);
  const technique = Object.keys(files).find((p) => p.startsWith('Use Cases/') && /^Use Cases\/T\d{4}\.\d{3} /.test(p))!;
  const { app, plugin } = await start(files, { open: technique });
  for (let i = 0; i < 200 && !pane(app).querySelector('.attack-coverage-panel.mod-technique'); i++) await advance(REFRESH_MS);
  const root = pane(app);
  expect(root.querySelector('.attack-coverage-panel.mod-technique')).not.toBeNull();

  // The engine's own answer for the note, through the plugin's index.
  const index = (plugin as unknown as { ctx: { indexer: { index: import('../../src/core/coverage-index').CoverageIndex } } }).ctx.indexer.index;
  expect(index.size).toBe(3000);
  const id = index.get(technique)!.cls.techniques[0]!;
  const cov = index.technique(id);
  const shown = [...root.querySelectorAll('.attack-coverage-rules tbody tr:not(.attack-coverage-group) a.internal-link')].map((a) => a.getAttribute('data-href'));
  expect(shown).toEqual(expect.arrayContaining([...cov.rules, ...cov.rolledUpRules].slice(0, 50).map((r) => r.path)));

  // A new rule naming the technique appears after the refresh debounce.
  const tag = id.replace('.', '_').toLowerCase();
  await app.vault.create('Detection Rules/zz new rule.md', `---\ntitle: "ZZ new rule"\nstatus: "test"\nlevel: "high"\ntags: [${tag}, detection_rule]\nlogsrc_product: "windows"\n---\n`);
  await advance(REFRESH_MS + 50);
  expect(pane(app).textContent).toContain('ZZ new rule');
  // A guard against a hang, not a speed check: 3,000 notes take a few seconds on a loaded machine.
}, 60_000);
