/**
 * @jest-environment jsdom
 *
 * The `dataview` language: taken over only when Dataview is not enabled and nobody holds it; never
 * breaking Dataview or ourselves (Obsidian throws on a second registration of a language).
 */
import { REFRESH_MS } from '../../src/obsidian/constants';
import { FakeApp } from '../__obsidian_shim__/fake-app';
import { MarkdownPreviewRenderer } from '../__obsidian_shim__/obsidian';
import AttackCoveragePlugin from '../../src/main';
import { MANIFEST, PYTHON, advance, pythonVault, ruleTitles, start, testVault } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

const dataviewProcessor = jest.fn();

/** What the Dataview plugin does in its onload (sortOrder -100 in the real one). */
function dataviewLoads(): void {
  MarkdownPreviewRenderer.registerCodeBlockPostProcessor('dataview', dataviewProcessor);
}

function blocks(app: FakeApp, lang: string): HTMLElement[] {
  return [...app.workspace.rootSplit.el.querySelectorAll<HTMLElement>(`.block-language-${lang}`)];
}

describe('Dataview enabled', () => {
  test('loaded before us: we leave dataview alone and load without error', async () => {
    const app = FakeApp.start(pythonVault(), { enabledPlugins: ['dataview'] });
    dataviewLoads();
    await expect(app.enablePlugin(AttackCoveragePlugin, MANIFEST)).resolves.toBeDefined();
    app.layoutReady();
    await advance(300);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBe(dataviewProcessor);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors['attack-coverage']).toBeDefined();
  });

  test('loaded after us: its registration still succeeds', async () => {
    const app = FakeApp.start(pythonVault(), { enabledPlugins: ['dataview'] });
    await app.enablePlugin(AttackCoveragePlugin, MANIFEST);
    expect(() => dataviewLoads()).not.toThrow();
    app.layoutReady();
    await advance(300);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBe(dataviewProcessor);
  });
});

describe('Dataview absent', () => {
  test('we render the technique note\'s dataview tables as coverage panels', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeDefined();
    const [rules, tests] = blocks(app, 'dataview');
    expect(ruleTitles(rules!)).toHaveLength(5);
    expect(rules!.querySelector('.attack-coverage-tests')).toBeNull();
    expect(tests!.querySelector('.attack-coverage-rules')).toBeNull();
    expect(tests!.querySelector('.attack-coverage-tests a')?.textContent).toMatch(/^T1059\.006\b/);
    // Inside its own technique note the panel does not repeat the technique's title.
    expect(rules!.querySelector('.attack-coverage-title')).toBeNull();
  });

  test('a second registration attempt is caught: no throw, our own language still works', async () => {
    const app = FakeApp.start(pythonVault());
    const real = MarkdownPreviewRenderer.registerCodeBlockPostProcessor.bind(MarkdownPreviewRenderer);
    // Someone takes `dataview` between our check and our registration.
    const spy = jest.spyOn(MarkdownPreviewRenderer, 'registerCodeBlockPostProcessor').mockImplementation((lang, handler) => {
      if (lang === 'dataview') {
        real('dataview', dataviewProcessor);
        real('dataview', handler); // throws, as Obsidian does
      }
      real(lang, handler);
    });
    await expect(app.enablePlugin(AttackCoveragePlugin, MANIFEST)).resolves.toBeDefined();
    spy.mockRestore();
    app.layoutReady(); // the re-check sees the language taken and does nothing
    await advance(300);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBe(dataviewProcessor);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors['attack-coverage']).toBeDefined();
  });

  test('re-checked at layout-ready: a language freed during start-up is taken then', async () => {
    const app = FakeApp.start(pythonVault());
    MarkdownPreviewRenderer.registerCodeBlockPostProcessor('dataview', dataviewProcessor); // held by another plugin…
    await app.enablePlugin(AttackCoveragePlugin, MANIFEST);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBe(dataviewProcessor);
    MarkdownPreviewRenderer.unregisterCodeBlockPostProcessor('dataview'); // …which then unloads
    app.layoutReady();
    await advance(300);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeDefined();
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).not.toBe(dataviewProcessor);
  });

  test('the takeover setting off: dataview is not registered', async () => {
    await start(pythonVault(), { pluginData: { 'attack-coverage': { dataviewTakeover: false } } });
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeUndefined();
  });

  test('a supported query with no coverage equivalent lists its rows as Dataview would', async () => {
    const files = pythonVault();
    files['Notes/Execution rules.md'] = '# Rules\n\n```dataview\nTABLE status AS "Status", level\nFROM "Detection Rules" AND #execution\n```\n';
    const { app } = await start(files, { open: 'Notes/Execution rules.md' });
    const [block] = blocks(app, 'dataview');
    const headers = [...block!.querySelectorAll('th')].map((th) => th.textContent);
    expect(headers).toEqual(['File', 'Status', 'level']);
    const first = block!.querySelector('tbody tr')!;
    expect(first.querySelector('a.internal-link')?.getAttribute('data-href')).toMatch(/^Detection Rules\//);
    expect(first.querySelectorAll('td')[2]?.textContent).toMatch(/^(low|medium|high|critical|informational)$/);
  });

  test('an unsupported query shows its own text and a short explanation, not an error', async () => {
    const files = pythonVault();
    const query = 'TABLE status FROM "Detection Rules" WHERE level = "high"';
    files['Notes/High rules.md'] = `# High\n\n\`\`\`dataview\n${query}\n\`\`\`\n`;
    const { app } = await start(files, { open: 'Notes/High rules.md' });
    const [block] = blocks(app, 'dataview');
    expect(block!.querySelector('pre code')?.textContent).toBe(query);
    expect(block!.querySelector('.attack-coverage-note')?.textContent).toMatch(/WHERE clauses are not supported/);
    expect(block!.querySelector('.attack-coverage-problem, .callout, .mod-error')).toBeNull();
  });

  test('a dataview block follows edits like the pane', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.vault.delete(app.vault.getFileByPath('Detection Rules/proc_creation_lnx_python_base64_encoded_execution.md')!);
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(blocks(app, 'dataview')[0]!)).toHaveLength(4);
  });

  test('a query listing more notes than the limit says how many are hidden and can show them all', async () => {
    const files = testVault();
    // The oracle: the notes of the folder that carry the tag, counted from the files themselves.
    const expected = Object.entries(files).filter(([p, t]) => p.startsWith('Detection Rules/') && /^tags: \[.*\bdetection_rule\b/m.test(t)).length;
    expect(expected).toBeGreaterThan(60);
    files['Notes/All rules.md'] = '# All\n\n```dataview\nLIST FROM "Detection Rules" AND #detection_rule\n```\n';
    const { app } = await start(files, { open: 'Notes/All rules.md' });
    const [block] = blocks(app, 'dataview');
    expect(block!.querySelectorAll('li')).toHaveLength(50);
    expect(block!.querySelector('.attack-coverage-more')?.textContent).toMatch(new RegExp(`^${expected - 50} more notes not shown`));
    block!.querySelector<HTMLButtonElement>('.attack-coverage-more button')!.click();
    expect(blocks(app, 'dataview')[0]!.querySelectorAll('li')).toHaveLength(expected);
    expect(blocks(app, 'dataview')[0]!.querySelector('.attack-coverage-more')).toBeNull();
  });
});
