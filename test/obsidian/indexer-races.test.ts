/**
 * @jest-environment jsdom
 *
 * The first pass reads rule notes' text a batch at a time. A note deleted, renamed or edited while its
 * text is being read must come out of the pass as the vault has it now, not as it was when the read began.
 */
import type { CoverageIndex } from '../../src/core/coverage-index';
import type { TFile } from '../__obsidian_shim__/obsidian';
import { EMBEDDED_ONLY, MANIFEST, PYTHON, PYTHON_RULE, advance, pane, pythonVault, ruleTitles, start, type Started } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

const TITLE = 'Python One-Liners with Base64 Decoding - Linux';

function indexOf(plugin: Started['plugin']): CoverageIndex {
  return (plugin as unknown as { ctx: { indexer: { index: CoverageIndex } } }).ctx.indexer.index;
}

/** Start with reads held: layout-ready begins the first pass, whose text reads wait for `release()`. */
async function startWithSlowReads(files = pythonVault(), pluginData?: Record<string, unknown>): Promise<Started & { release: () => void }> {
  const started = await start(files, { open: PYTHON, ready: false, ...(pluginData ? { pluginData } : {}) });
  const { app } = started;
  const read = app.vault.cachedRead.bind(app.vault);
  const held: Array<() => void> = [];
  let holding = true;
  jest.spyOn(app.vault, 'cachedRead').mockImplementation((file: TFile) => {
    if (!holding) return read(file);
    const text = read(file); // what the disk held when the read began
    return new Promise((resolve) => held.push(() => resolve(text)));
  });
  app.layoutReady();
  await advance(0);
  expect(held.length).toBeGreaterThan(0); // the pass is waiting on rule text
  return {
    ...started,
    release: () => {
      holding = false;
      for (const h of held.splice(0)) h();
    },
  };
}

describe('the first pass and events that arrive while it reads', () => {
  test('a note deleted while its text is read is not indexed', async () => {
    const { app, plugin, release } = await startWithSlowReads();
    await app.vault.delete(app.vault.getFileByPath(PYTHON_RULE)!);
    release();
    await advance(500);
    expect(indexOf(plugin).get(PYTHON_RULE)).toBeUndefined();
    expect(ruleTitles(pane(app))).not.toContain(TITLE);
  });

  test('a note renamed while its text is read is indexed under its new path only', async () => {
    const { app, plugin, release } = await startWithSlowReads();
    const moved = 'Detection Rules/linux/python_b64.md';
    await app.vault.rename(app.vault.getFileByPath(PYTHON_RULE)!, moved);
    release();
    await advance(500);
    expect(indexOf(plugin).get(PYTHON_RULE)).toBeUndefined();
    expect(indexOf(plugin).get(moved)).toBeDefined();
    expect(ruleTitles(pane(app)).filter((t) => t === TITLE)).toHaveLength(1);
  });

  test('a note edited while its text is read keeps the edit', async () => {
    const { app, plugin, release } = await startWithSlowReads();
    await app.vault.process(app.vault.getFileByPath(PYTHON_RULE)!, (t) => t.replace(`title: "${TITLE}"`, 'title: "Edited title"'));
    release();
    await advance(500);
    expect(indexOf(plugin).get(PYTHON_RULE)?.facts.title).toBe('Edited title');
    expect(ruleTitles(pane(app))).toContain('Edited title');
    expect(ruleTitles(pane(app))).not.toContain(TITLE);
  });

  test('a technique folder dropped while a batch is read has the embedded rules of its notes read', async () => {
    const files = { 'Security/python_webshell.md': EMBEDDED_ONLY, ...pythonVault() }; // first: looked at before the change
    const { app, plugin, release } = await startWithSlowReads(files, { [MANIFEST.id]: { techniqueFolders: ['Use Cases', 'Security'] } });
    // The batch holding the note is still being read when the folder stops being a technique folder.
    const ctx = (plugin as unknown as { ctx: { update: (p: { techniqueFolders: string[] }) => Promise<void> } }).ctx;
    await ctx.update({ techniqueFolders: ['Use Cases'] });
    release();
    await advance(500);
    expect(indexOf(plugin).get('Security/python_webshell.md')?.cls.role).toBe('rule');
    expect(ruleTitles(pane(app))).toContain('Python Spawned by a Web Server');
  });
});
