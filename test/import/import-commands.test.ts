/**
 * @jest-environment jsdom
 *
 * The import commands over the `obsidian` stand-in: five commands, a dialog that takes a vault folder or
 * files picked on the device, notes written through the vault API, and a second run that changes nothing.
 */
import { Plugin, TFolder } from 'obsidian';
import { Notice } from '../__obsidian_shim__/obsidian'; // the same module as 'obsidian' (jest maps it here), with its test helpers
import { FakeApp } from '../__obsidian_shim__/fake-app';
import { registerImportCommands, runInVault, VaultTarget } from '../../src/obsidian/import-commands';
import * as sigmaNote from '../../src/core/import/sigma-note';
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';

// jsdom leaves out the text codecs that every platform Obsidian runs on has.
Object.assign(globalThis, { TextDecoder: globalThis.TextDecoder ?? NodeTextDecoder, TextEncoder: globalThis.TextEncoder ?? NodeTextEncoder });

const RULE = (title: string, tag: string): string =>
  `title: ${title}\nid: ${title.toLowerCase()}\nstatus: test\ntags: [${tag}]\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image|endswith: x.exe}, condition: sel}\nlevel: low\n`;

const FILES: Record<string, string> = {
  'Sources/sigma/rules/windows/one.yml': RULE('One', 'attack.t1059.006'),
  'Sources/sigma/rules/windows/two.yml': RULE('Two', 'attack.t1003'),
  'Sources/sigma/rules/windows/broken.yml': 'title: [\n',
  'Imports/Welcome.md': '# Welcome\n',
  'Elsewhere/one.md': '# A note that already uses the basename "one"\n',
};

class TestPlugin extends Plugin {}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}

function setup() {
  document.body.empty();
  const app = FakeApp.start(FILES);
  app.layoutReady();
  // The stand-in vault creates parent folders on create(); Obsidian wants them made first.
  const created: string[] = [];
  (app.vault as unknown as { createFolder: (p: string) => Promise<TFolder> }).createFolder = (p: string) => {
    created.push(p);
    return Promise.resolve(new TFolder());
  };
  const plugin = new TestPlugin(app as never, { id: 'attack-coverage', name: 'ATT&CK Coverage', version: '0', minAppVersion: '1.7.2', author: '', description: '' });
  registerImportCommands(plugin);
  return { app, created, text: (p: string) => app.vault._text(p), paths: () => app.vault.getFiles().map((f) => f.path).sort() };
}

const modal = () => document.body.querySelector<HTMLElement>('.modal-container:not(.mod-settings)');
const button = (label: RegExp) => [...(modal()?.querySelectorAll('button') ?? [])].find((b) => label.test(b.textContent ?? ''))!;
const selects = () => [...(modal()?.querySelectorAll('select') ?? [])];
function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

describe('import commands', () => {
  test('five commands in sentence case, no default hotkeys', () => {
    const { app } = setup();
    const cmds = app.commands.listCommands();
    expect(cmds.map((c) => c.name).sort()).toEqual([
      'ATT&CK Coverage: Import ATT&CK bundle…',
      'ATT&CK Coverage: Import Atomic Red Team tests…',
      'ATT&CK Coverage: Import Elastic rules…',
      'ATT&CK Coverage: Import Sigma rules…',
      'ATT&CK Coverage: Import Splunk detections…',
    ]);
    expect(cmds.every((c) => !c.hotkeys)).toBe(true);
  });

  test('Sigma from a vault folder into a vault folder; the second run changes nothing', async () => {
    const { app, created, text, paths } = setup();
    app.commands.executeCommandById('attack-coverage:import-sigma');
    const [source, target] = selects();
    expect([...source!.options].map((o) => o.value)).toContain('Sources/sigma');
    choose(source!, 'Sources/sigma');
    choose(target!, 'Imports');
    button(/^Import$/).click();
    await settle();
    expect(modal()?.textContent).toContain('Skipped (1)'); // the summary dialog lists the broken file
    expect(modal()?.textContent).toContain('rules/windows/broken.yml');
    // "one" is taken elsewhere in the vault: the new note gets a distinct name, so [[one]] stays unambiguous.
    expect(paths().filter((p) => p.startsWith('Imports/Detection Rules/'))).toEqual(['Imports/Detection Rules/one (rules).md', 'Imports/Detection Rules/two.md']);
    expect(created).toEqual(['Imports/Detection Rules']);
    expect(text('Imports/Detection Rules/two.md')).toMatch(/^---\ntitle: "Two"/);
    expect(Notice.shown.at(-1)).toBe('Import Sigma rules: 2 created, 0 updated, 0 unchanged, 1 skipped.');

    const before = new Map(paths().map((p) => [p, text(p)]));
    const again = await runInVault(app as never, 'sigma', [{ path: 'rules/windows/one.yml', read: () => Promise.resolve(FILES['Sources/sigma/rules/windows/one.yml']!) }], 'Imports');
    expect(again?.unchanged).toHaveLength(1);
    expect(again?.stale).toEqual(['Detection Rules/two.md']);
    expect(new Map(paths().map((p) => [p, text(p)]))).toEqual(before);
  });

  test('a note saved with CRLF line endings is updated in CRLF, the user part byte for byte', async () => {
    const { app, text } = setup();
    const one = (level: string) => [{ path: 'rules/windows/one.yml', read: () => Promise.resolve(FILES['Sources/sigma/rules/windows/one.yml']!.replace('level: low', level)) }];
    await runInVault(app as never, 'sigma', one('level: low'), 'Imports');
    const file = 'Imports/Detection Rules/one (rules).md';
    const tail = '## Our notes\r\nTuned.\r\n';
    const note = app.vault.getFileByPath(file)!;
    await app.vault.process(note, (t) => t.replace(/\n/g, '\r\n') + tail);
    const s = await runInVault(app as never, 'sigma', one('level: high'), 'Imports');
    expect(s?.updated).toEqual(['Detection Rules/one (rules).md']);
    expect(text(file)).toContain('level: "high"');
    expect(text(file).match(/(?<!\r)\n/g)).toBeNull();
    expect(text(file).endsWith(tail)).toBe(true);
  });

  test('a note that cannot be made is shown as failed, naming its source file; the other notes are written', async () => {
    const { app, paths } = setup();
    const real = sigmaNote.sigmaRuleNote;
    const spy = jest.spyOn(sigmaNote, 'sigmaRuleNote').mockImplementation((text, rule, o) => {
      if (rule.title === 'Two') throw new Error('renderer exploded');
      return real(text, rule, o);
    });
    try {
      const files = ['one', 'two'].map((n) => ({ path: `rules/windows/${n}.yml`, read: () => Promise.resolve(FILES[`Sources/sigma/rules/windows/${n}.yml`]!) }));
      const s = await runInVault(app as never, 'sigma', files, 'Imports');
      expect(s?.created).toEqual(['Detection Rules/one (rules).md']);
      expect(Notice.shown.at(-1)).toBe('Import Sigma rules: 1 created, 0 updated, 0 unchanged, 1 failed.');
      expect(modal()?.textContent).toContain('Failed (1)');
      expect(modal()?.textContent).toMatch(/Detection Rules\/two\.md: .*rules\/windows\/two\.yml.*renderer exploded/);
      expect(paths()).not.toContain('Imports/Detection Rules/two.md');
    } finally {
      spy.mockRestore();
    }
  });

  test('files picked on the device (a folder pick names files "<folder>/<path>")', async () => {
    const { app, paths } = setup();
    app.commands.executeCommandById('attack-coverage:import-sigma');
    const input = modal()!.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.hasAttribute('webkitdirectory')).toBe(true);
    const file = (rel: string, body: string): File => {
      const f = new File([body], rel.slice(rel.lastIndexOf('/') + 1));
      Object.defineProperty(f, 'webkitRelativePath', { value: rel });
      // jsdom's File has no text(); browsers and Obsidian do.
      Object.defineProperty(f, 'text', { value: () => Promise.resolve(body) });
      return f;
    };
    Object.defineProperty(input, 'files', { value: [file('sigma/rules/a/three.yml', RULE('Three', 'attack.t1105')), file('sigma/tests/config.yml', 'x: 1\n')] });
    input.dispatchEvent(new Event('change'));
    expect(modal()?.textContent).toContain('2 files chosen on this device');
    button(/^Import$/).click();
    await settle();
    expect(paths()).toContain('Detection Rules/three.md');
    expect(paths().some((p) => p.includes('config'))).toBe(false);
  });

  test('a source file that is not UTF-8 is skipped with the reason, as by the CLI, from the vault and from the device', async () => {
    const { app, text, paths } = setup();
    // "Café" in Latin-1: read as text the é becomes U+FFFD, which would be embedded in the note for good.
    const latin1 = Uint8Array.from(Buffer.from(RULE('Caf\xe9', 'attack.t1059'), 'latin1'));
    app.vault._addBytes('Sources/sigma/rules/windows/latin.yml', latin1);
    app.commands.executeCommandById('attack-coverage:import-sigma');
    const [source, target] = selects();
    choose(source!, 'Sources/sigma');
    choose(target!, 'Imports');
    button(/^Import$/).click();
    await settle();
    expect(modal()?.textContent).toContain('rules/windows/latin.yml: cannot read: the file is not valid UTF-8');
    expect(paths().filter((p) => p.startsWith('Imports/Detection Rules/'))).toEqual(['Imports/Detection Rules/one (rules).md', 'Imports/Detection Rules/two.md']);
    expect(paths().some((p) => !p.startsWith('Sources/') && text(p).includes('\uFFFD'))).toBe(false);

    const picked = new File([latin1], 'latin.yml');
    Object.defineProperty(picked, 'text', { value: () => Promise.resolve(new TextDecoder().decode(latin1)) });
    Object.defineProperty(picked, 'arrayBuffer', { value: () => Promise.resolve(latin1.buffer) });
    Object.defineProperty(picked, 'webkitRelativePath', { value: 'sigma/rules/latin.yml' });
    document.body.empty(); // the first summary
    app.commands.executeCommandById('attack-coverage:import-sigma');
    const input = modal()!.querySelector<HTMLInputElement>('input[type=file]')!;
    Object.defineProperty(input, 'files', { value: [picked] });
    input.dispatchEvent(new Event('change'));
    button(/^Import$/).click();
    await settle();
    expect(modal()?.textContent).toContain('rules/latin.yml: cannot read: the file is not valid UTF-8');
    expect(paths().some((p) => !p.startsWith('Sources/') && text(p).includes('\uFFFD'))).toBe(false);
  });

  test('nothing chosen: a notice, no import', () => {
    const { app, paths } = setup();
    const before = paths();
    app.commands.executeCommandById('attack-coverage:import-atomic');
    button(/^Import$/).click();
    expect(Notice.shown.at(-1)).toBe('Choose a source first.');
    expect(paths()).toEqual(before);
  });

  test('VaultTarget: updates through process() only when the note is unchanged; never outside its folder', async () => {
    const { app, text } = setup();
    const t = new VaultTarget(app as never, 'Imports');
    expect(await t.list()).toEqual(['Welcome.md']);
    await t.write('Welcome.md', 'new\n', '# Welcome\n');
    expect(text('Imports/Welcome.md')).toBe('new\n');
    await expect(t.write('Welcome.md', 'newer\n', '# Welcome\n')).rejects.toThrow(/changed during the import/);
    await expect(t.write('Welcome.md', 'x', null)).rejects.toThrow(/appeared/);
    await expect(t.write('../Elsewhere/one.md', 'x', null)).rejects.toThrow(/refusing/);
    expect(text('Elsewhere/one.md')).toBe(FILES['Elsewhere/one.md']);
  });

  test('VaultTarget: a note that is not valid UTF-8 is never read for rewriting', async () => {
    const { app } = setup();
    // "café" in Latin-1 below an import marker: read as text it holds U+FFFD, and a rewrite would lose the é.
    const latin1 = Uint8Array.from([...Buffer.from('# Notes\ncaf'), 0xe9, 0x0a]);
    app.vault._addBytes('Imports/Latin.md', latin1);
    app.vault._addBytes('Imports/Replacement.md', new TextEncoder().encode('a real U+FFFD: \uFFFD\n'));
    const t = new VaultTarget(app as never, 'Imports');
    await expect(t.read('Latin.md')).rejects.toThrow(/not valid UTF-8/);
    expect(await t.read('Replacement.md')).toBe('a real U+FFFD: \uFFFD\n');
    expect(new Uint8Array(await app.vault.readBinary(app.vault.getFileByPath('Imports/Latin.md')!))).toEqual(latin1);
  });
});
