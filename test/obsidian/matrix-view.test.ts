/**
 * @jest-environment jsdom
 *
 * The coverage matrix as an Obsidian view (the rendering itself is checked in Chromium by test/report
 * and test/browser): it opens from the command, patches only the cells a note edit touches, waits while
 * hidden, and creates a technique note from an empty cell.
 */
import { GAPS_NOTE, LAYER_FILE, MATRIX_VIEW_TYPE, REPORT_FILE } from '../../src/obsidian/matrix-view';
import type { FakeApp } from '../__obsidian_shim__/fake-app';
import { Notice } from '../__obsidian_shim__/obsidian'; // the same module as 'obsidian' (jest maps it here), with its test helpers
import { advance, command, MANIFEST, MATRIX_PLACEMENTS as PLACEMENTS, PYTHON_RULE, pythonVault, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});


async function openMatrix(app: FakeApp): Promise<HTMLElement> {
  if (!app.commands.executeCommandById(command(app, 'open-coverage-matrix'))) throw new Error('no matrix command');
  await advance(50);
  const leaf = app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)[0];
  if (!leaf) throw new Error('the matrix did not open');
  return (leaf.view as unknown as { contentEl: HTMLElement }).contentEl;
}

const cells = (root: HTMLElement, id: string): HTMLElement[] => [...root.querySelectorAll<HTMLElement>(`.acm-cell[data-id="${id}"]`)];
const badge = (cell: HTMLElement | undefined): string => cell?.querySelector('.acm-badge')?.textContent ?? '';

/** Rule notes of the vault naming `id` in their frontmatter tags, counted from the files themselves. */
function rulesTagged(files: Record<string, string>, tag: string): number {
  return Object.entries(files).filter(([p, t]) => p.startsWith('Detection Rules/') && new RegExp(`^tags: \\[.*\\b${tag}\\b`, 'm').test(t)).length;
}

describe('coverage matrix view', () => {
  test('opens from the command with every technique of the catalog placed under its tactics', async () => {
    const files = pythonVault();
    const { app } = await start(files);
    const root = await openMatrix(app);
    expect(root.querySelectorAll('.acm-cell:not(.is-sub)').length).toBe(PLACEMENTS);
    // The Python sub-technique's badge counts its rules, as tagged in the notes.
    expect(badge(cells(root, 'T1059.006')[0])).toBe(`${rulesTagged(files, 't1059_006')}·4`);
  });

  test('opened twice in quick succession: one matrix tab', async () => {
    const { app } = await start(pythonVault());
    app.commands.executeCommandById(command(app, 'open-coverage-matrix'));
    app.commands.executeCommandById(command(app, 'open-coverage-matrix'));
    await advance(50);
    expect(app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)).toHaveLength(1);
  });

  test('a note edit patches the cells it touches and leaves the others as they are', async () => {
    const files = pythonVault();
    const { app } = await start(files);
    const root = await openMatrix(app);
    const python = rulesTagged(files, 't1059_006');
    const untouched = cells(root, 'T1003')[0];
    await app.vault.create('Detection Rules/new python rule.md', '---\ntags: [t1059_006, detection_rule]\n---\n# New rule\n');
    await advance(1000);
    expect(badge(cells(root, 'T1059.006')[0])).toBe(`${python + 1}·4`);
    expect(cells(root, 'T1003')[0]).toBe(untouched); // the same element: patched in place, not redrawn

    const rule = app.vault.getFileByPath(PYTHON_RULE)!;
    await app.vault.delete(rule);
    await advance(1000);
    expect(badge(cells(root, 'T1059.006')[0])).toBe(`${python}·4`);
  });

  test('while hidden it does not redraw; shown again, it catches up', async () => {
    const files = pythonVault();
    const { app } = await start(files);
    const root = await openMatrix(app);
    const python = rulesTagged(files, 't1059_006');
    root.hide();
    await app.vault.create('Detection Rules/while hidden.md', '---\ntags: [t1059_006, detection_rule]\n---\n');
    await advance(1000);
    expect(badge(cells(root, 'T1059.006')[0])).toBe(`${python}·4`);
    root.show();
    app.workspace.trigger('layout-change');
    expect(badge(cells(root, 'T1059.006')[0])).toBe(`${python + 1}·4`);
  });

  test('an empty cell creates the technique note in the first technique folder and opens it', async () => {
    const { app } = await start(pythonVault());
    const root = await openMatrix(app);
    const create = root.querySelector<HTMLElement>('.acm-cell[data-id="T1003"] .acm-create');
    expect(create).not.toBeNull();
    create!.click();
    await advance(50);
    const made = app.vault.getMarkdownFiles().find((f) => f.path.startsWith('Use Cases/T1003 '));
    expect(made?.path).toBe('Use Cases/T1003 - OS Credential Dumping.md');
    expect(app.workspace.getActiveFile()?.path).toBe(made?.path);
    // Opened beside the matrix (a view that is not navigated away), which catches up when shown again.
    const matrix = app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE);
    expect(matrix).toHaveLength(1);
    await app.workspace.revealLeaf(matrix[0]!);
    await advance(1000);
    expect(cells(root, 'T1003')[0]?.classList.contains('has-note')).toBe(true);
  });
});

describe('matrix view header buttons', () => {
  test('export the layer, save the report and write the gaps, as their commands do', async () => {
    const { app } = await start(pythonVault());
    app.vault.configFiles.set(`.obsidian/plugins/${MANIFEST.id}/styles.css`, '.acm-matrix {}');
    await openMatrix(app);
    const leaf = app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)[0];
    const header = (leaf?.view as unknown as { actionsEl: HTMLElement }).actionsEl;
    const button = (label: string): HTMLElement => {
      const b = header.querySelector<HTMLElement>(`.view-action[aria-label="${label}"]`);
      if (!b) throw new Error(`no "${label}" button`);
      return b;
    };
    const written: Array<[string, string]> = [
      ['Export Navigator layer', LAYER_FILE],
      ['Save coverage report as HTML', REPORT_FILE],
      ['Show coverage gaps', GAPS_NOTE],
    ];
    for (const [label, file] of written) {
      expect(app.vault.getFileByPath(file)).toBeNull();
      button(label).click();
      await advance(100);
      expect({ label, written: app.vault.getFileByPath(file) !== null }).toEqual({ label, written: true });
    }
    const layer = JSON.parse(await app.vault.read(app.vault.getFileByPath(LAYER_FILE) as never)) as { techniques: Array<{ techniqueID: string }> };
    expect(layer.techniques.some((t) => t.techniqueID === 'T1059.006')).toBe(true);
    // The gaps note is rewritten whole each time, and says so where the reader looks first.
    const gaps = await app.vault.read(app.vault.getFileByPath(GAPS_NOTE) as never);
    expect(gaps.split('\n').slice(0, 4).join('\n')).toMatch(/replaces this whole note each time/);
  });

  test('a write that fails says so in a notice, from the header and from the command palette', async () => {
    const { app } = await start(pythonVault());
    await openMatrix(app);
    // A vault that refuses new files (a read-only or full disk).
    app.vault.create = () => Promise.reject(new Error('EROFS: read-only file system'));
    const header = (app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)[0]?.view as unknown as { actionsEl: HTMLElement }).actionsEl;
    header.querySelector<HTMLElement>('.view-action[aria-label="Show coverage gaps"]')!.click();
    await advance(100);
    expect(Notice.shown.at(-1)).toBe('Could not write the coverage gaps note: EROFS: read-only file system');
    app.commands.executeCommandById(command(app, 'export-navigator-layer'));
    await advance(100);
    expect(Notice.shown.at(-1)).toBe('Could not export the Navigator layer: EROFS: read-only file system');
    expect(app.vault.getFileByPath(LAYER_FILE)).toBeNull();
  });
});
