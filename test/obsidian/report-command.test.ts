/**
 * @jest-environment jsdom
 *
 * "Save coverage report as HTML": the plugin writes the page the CLI's `report` writes, into the vault,
 * rendered on a document of its own. Checked by parsing the saved file back: the matrix, the counts
 * taken from the notes themselves, the CSP, and note text that stays text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_FILE } from '../../src/obsidian/matrix-view';
import type { FakeApp } from '../__obsidian_shim__/fake-app';
import { Notice } from '../__obsidian_shim__/obsidian';
import { advance, command, MANIFEST, MATRIX_PLACEMENTS as PLACEMENTS, pythonVault, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const STYLES = readFileSync(join(__dirname, '../../styles.css'), 'utf8');
const HOSTILE_TITLE = '<img src=x onerror="alert(1)"> & <b>bold</b>';
const HOSTILE_RULE = 'Detection Rules/evil <script>alert(1)</script>.md';


async function save(app: FakeApp): Promise<Document | null> {
  if (!app.commands.executeCommandById(command(app, 'save-coverage-report'))) throw new Error('no report command');
  await advance(100);
  const file = app.vault.getFileByPath(REPORT_FILE);
  return file ? new DOMParser().parseFromString(await app.vault.read(file), 'text/html') : null;
}

async function started(files: Record<string, string>): Promise<FakeApp> {
  const { app } = await start(files);
  app.vault.configFiles.set(`.obsidian/plugins/${MANIFEST.id}/styles.css`, STYLES);
  return app;
}

test('the saved report holds the whole matrix, the counts of the notes and the plugin styles', async () => {
  const files = pythonVault();
  const app = await started(files);
  const doc = await save(app);
  if (!doc) throw new Error('no report was written');
  expect(Notice.shown.at(-1)).toMatch(/^Report written to ATT&CK coverage report\.html/);
  expect(doc.querySelectorAll('.acm-cell:not(.is-sub)').length).toBe(PLACEMENTS);
  expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toContain("default-src 'none'");
  expect(doc.querySelectorAll('script').length).toBe(0);
  expect(doc.querySelector('style')?.textContent).toContain('.acm-matrix');
  const notes = Object.keys(files).filter((p) => p.endsWith('.md')).length;
  expect(doc.querySelector('.acm-report-meta')?.textContent).toContain(`${notes} notes`);
  // Links open the notes in this vault.
  const link = doc.querySelector('a.internal-link')?.getAttribute('href') ?? '';
  expect(link).toMatch(new RegExp(`^obsidian://open\\?vault=${encodeURIComponent(app.vault.getName())}&`));
});

test('note text in the report stays text, and saving again replaces the same file', async () => {
  const files = { ...pythonVault(), [HOSTILE_RULE]: `---\ntags: [detection_rule, t1003_001]\n---\n# ${HOSTILE_TITLE}\n` };
  const app = await started(files);
  const first = await save(app);
  if (!first) throw new Error('no report was written');
  // The rule's technique has no tests, so it is listed under the untested rules, by its title.
  const cell = [...first.querySelectorAll('a.internal-link')].find((a) => a.getAttribute('data-href') === HOSTILE_RULE);
  expect(cell?.textContent).toBe(HOSTILE_TITLE);
  expect(first.querySelectorAll('script, img, b').length).toBe(0);

  await app.vault.create('Detection Rules/one more.md', '---\ntags: [detection_rule, t1003_001]\n---\n# One more\n');
  await advance(1000);
  const second = await save(app);
  expect(app.vault.getFiles().filter((f) => f.path.endsWith('.html')).map((f) => f.path)).toEqual([REPORT_FILE]);
  expect([...(second?.querySelectorAll('a.internal-link') ?? [])].some((a) => a.getAttribute('data-href') === 'Detection Rules/one more.md')).toBe(true);
});

test('without the plugin styles nothing is written, and the notice says why', async () => {
  const { app } = await start(pythonVault());
  expect(await save(app)).toBeNull();
  expect(Notice.shown.at(-1)).toMatch(/styles\.css.*not saved/);
});
