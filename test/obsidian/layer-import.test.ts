/**
 * @jest-environment jsdom
 *
 * "Import Navigator layer as overlay": a layer file from the vault or from the device (a file input, as on
 * mobile), read, checked and applied the same way; every outcome is a notice naming the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FROM_DEVICE_TEXT, MATRIX_VIEW_TYPE, MAX_LAYER_BYTES } from '../../src/obsidian/matrix-view';
import type { FakeApp } from '../__obsidian_shim__/fake-app';
import { Notice } from '../__obsidian_shim__/obsidian';
import { advance, command, pythonVault, start, testVault } from './helpers';

beforeEach(() => {
  jest.useFakeTimers();
  Notice.shown = [];
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
  document.body.replaceChildren();
});

const LAYER_TEXT = readFileSync(join(__dirname, '../layers/fixtures/art-layer.json'), 'utf8');
const LAYER_NAME = (JSON.parse(LAYER_TEXT) as { name: string }).name;

function runImport(app: FakeApp): void {
  if (!app.commands.executeCommandById(command(app, 'import-navigator-layer'))) throw new Error('no import command');
}

function suggestions(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('.modal-container .suggestion-item')];
}

function choose(text: string): void {
  const item = suggestions().find((s) => s.textContent === text);
  if (!item) throw new Error(`no suggestion "${text}" in ${suggestions().map((s) => s.textContent).join(', ')}`);
  item.click();
}

/** Catches the file input the command creates and answers it with `files` (none: the user cancelled). */
function deviceAnswers(files: File[] | null): { clicked: () => number; input: () => HTMLInputElement | undefined } {
  const answer = (input: HTMLInputElement): void => {
    if (files === null) {
      input.dispatchEvent(new Event('cancel'));
      return;
    }
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    input.dispatchEvent(new Event('change'));
  };
  const click = jest.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (this: HTMLInputElement) {
    answer(this);
  });
  return { clicked: () => click.mock.calls.length, input: () => click.mock.contexts.at(-1) };
}

/**
 * A file as the picker hands it over. jsdom's File has no text(), which Electron and mobile web views
 * have; each file here answers it with its own contents.
 */
function deviceFile(text: string, name: string, size = text.length): { file: File; read: jest.Mock } {
  const file = new File([text], name, { type: 'application/json' });
  const read = jest.fn(() => Promise.resolve(text));
  Object.defineProperty(file, 'size', { value: size });
  Object.defineProperty(file, 'text', { value: read });
  return { file, read };
}

const overlayNotice = (): string | undefined => Notice.shown.find((m) => m.startsWith(`Overlay "${LAYER_NAME}"`));

describe('import Navigator layer as overlay', () => {
  test('the picker offers the device first, then every JSON file in the vault, and no notes', async () => {
    const files = { ...pythonVault(), 'Layers/art.json': LAYER_TEXT, 'Layers/other.json': '{}' };
    const { app } = await start(files);
    runImport(app);
    expect(suggestions().map((s) => s.textContent)).toEqual([FROM_DEVICE_TEXT, 'Layers/art.json', 'Layers/other.json']);
  });

  test('a layer from the device is applied exactly as the same layer from the vault', async () => {
    const fromVault = await start({ ...pythonVault(), 'Layers/art.json': LAYER_TEXT });
    runImport(fromVault.app);
    choose('Layers/art.json');
    await advance(50);
    const vaultNotice = overlayNotice();
    expect(vaultNotice).toMatch(/techniques, \d+ undetected in this vault$/);
    expect(fromVault.app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)).toHaveLength(1);
    document.body.replaceChildren();
    Notice.shown = [];

    const { app } = await start(pythonVault());
    const device = deviceAnswers([deviceFile(LAYER_TEXT, 'art-layer.json').file]);
    runImport(app);
    choose(FROM_DEVICE_TEXT);
    await advance(50);
    expect(device.clicked()).toBe(1);
    expect(device.input()?.type).toBe('file');
    expect(device.input()?.isConnected).toBe(false); // removed once answered
    expect(overlayNotice()).toBe(vaultNotice);
    expect(app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)).toHaveLength(1);
  });

  test('cancelling the device picker changes nothing and leaves no input behind', async () => {
    const { app } = await start(pythonVault());
    const device = deviceAnswers(null);
    runImport(app);
    choose(FROM_DEVICE_TEXT);
    await advance(50);
    expect(device.clicked()).toBe(1);
    expect(document.querySelector('input[type=file]')).toBeNull();
    expect(Notice.shown).toEqual([]);
    expect(app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)).toHaveLength(0);
  });

  test('a file that is not a layer, or far too large for one, is refused with its name', async () => {
    const { app } = await start(pythonVault());
    deviceAnswers([deviceFile('{"techniques": 5', 'broken.json').file]);
    runImport(app);
    choose(FROM_DEVICE_TEXT);
    await advance(50);
    expect(Notice.shown.at(-1)).toMatch(/^broken\.json: not JSON/);

    jest.restoreAllMocks();
    const huge = deviceFile('{}', 'huge.json', MAX_LAYER_BYTES + 1);
    deviceAnswers([huge.file]);
    runImport(app);
    choose(FROM_DEVICE_TEXT);
    await advance(50);
    expect(Notice.shown.at(-1)).toMatch(/^huge\.json is 20 MB, too large for a Navigator layer; not imported$/);
    expect(huge.read).not.toHaveBeenCalled();
    expect(app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)).toHaveLength(0);
  });
});

describe('the comparison with the overlay', () => {
  test('its technique links open the note and show its page preview, as the matrix cells do', async () => {
    // A technique of the layer with a note and no rule in this vault: listed as undetected, with its link.
    const rundll32 = testVault((p) => p.startsWith('Use Cases/T1218.011 '));
    const { app } = await start({ ...pythonVault(), ...rundll32, 'Layers/art.json': LAYER_TEXT });
    runImport(app);
    choose('Layers/art.json');
    await advance(50);
    const view = app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)[0]!.view as unknown as { contentEl: HTMLElement };
    const link = view.contentEl.querySelector<HTMLAnchorElement>('.acm-comparison a.internal-link');
    expect(link).not.toBeNull();
    const path = link!.getAttribute('data-href')!;
    const hovers: unknown[] = [];
    app.workspace.on('hover-link', (info: unknown) => hovers.push(info));
    link!.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    expect(hovers).toEqual([expect.objectContaining({ source: MATRIX_VIEW_TYPE, linktext: path })]);
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link!.dispatchEvent(click);
    await advance(50);
    expect(click.defaultPrevented).toBe(true);
    expect(app.opened.at(-1)).toEqual(expect.objectContaining({ linktext: path }));
  });
});
