/* eslint obsidianmd/ui/sentence-case: ["warn", { brands: ["ATT&CK", "Sigma", "Atomic Red Team", "Elastic", "Splunk"], acronyms: ["STIX", "JSON"] }] -- product names keep their capitals in sentence case */
/**
 * "Import …" commands: pick a source (a folder or file in the vault, or one chosen on this device) and a
 * target folder, then run the shared core import (src/core/import/run.ts) through the vault API. Only
 * Obsidian glue lives here; no Node APIs (the plugin runs on mobile). Work yields to the UI between
 * slices, progress shows in a notice, and a summary lists what was created, updated, kept or skipped.
 */
import { Modal, Notice, Platform, Setting, TFile, TFolder, normalizePath, parseYaml, type App, type Plugin } from 'obsidian';
import type { SourceKind } from '../core/import/merge';
import { joinInside } from '../core/import/names';
import { NOTE_KIND, runImport, type ImportProgress, type ImportSourceFile, type ImportSummary, type ImportTarget } from '../core/import/run';
import { DEFAULT_FOLDERS } from '../core/import/stix-import';

interface ImportSpec {
  kind: SourceKind;
  id: string;
  name: string;
  title: string;
  /** A single file (a STIX bundle) or a folder tree. */
  source: 'file' | 'folder';
  what: string;
}

const SPECS: ImportSpec[] = [
  { kind: 'attack', id: 'import-attack', name: 'Import ATT&CK bundle…', title: 'Import ATT&CK bundle', source: 'file', what: 'an ATT&CK STIX bundle (.json)' },
  { kind: 'sigma', id: 'import-sigma', name: 'Import Sigma rules…', title: 'Import Sigma rules', source: 'folder', what: 'a SigmaHQ checkout or a folder of Sigma rules' },
  { kind: 'atomic', id: 'import-atomic', name: 'Import Atomic Red Team tests…', title: 'Import Atomic Red Team tests', source: 'folder', what: 'the atomics folder of Atomic Red Team' },
  { kind: 'elastic', id: 'import-elastic', name: 'Import Elastic rules…', title: 'Import Elastic rules', source: 'folder', what: 'a folder of Elastic detection-rules TOML files' },
  { kind: 'splunk', id: 'import-splunk', name: 'Import Splunk detections…', title: 'Import Splunk detections', source: 'folder', what: 'a folder of Splunk security_content detections' },
];

const LABEL: Record<ImportProgress['phase'], string> = { read: 'Reading', scan: 'Checking existing notes', plan: 'Planning', write: 'Writing notes' };

/** Let the window paint and handle input between slices of work. */
const yieldToUi = (): Promise<void> => new Promise((r) => window.setTimeout(r, 0));

export function registerImportCommands(plugin: Plugin): void {
  for (const spec of SPECS) {
    plugin.addCommand({ id: spec.id, name: spec.name, callback: () => new ImportModal(plugin.app, spec).open() });
  }
}

// ---- sources ----------------------------------------------------------------------------------------

function isUtf8(bytes: ArrayBuffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * `text` as read, unless its bytes are not UTF-8: read as text they hold U+FFFD, so that a source would be
 * embedded and a note rewritten with those characters lost for good. Then it throws, naming `what`.
 */
async function utf8Text(text: string, bytes: () => Promise<ArrayBuffer>, what: string): Promise<string> {
  if (text.includes('\uFFFD') && !isUtf8(await bytes())) throw new Error(`${what} is not valid UTF-8`);
  return text;
}

/** Files of a vault folder, relative to it; or one vault file. Files that are not UTF-8 are skipped, as by the CLI. */
function vaultSource(app: App, path: string): ImportSourceFile[] {
  const read = (f: TFile) => async (): Promise<string> => utf8Text(await app.vault.read(f), () => app.vault.readBinary(f), 'the file');
  const file = app.vault.getAbstractFileByPath(path);
  if (file instanceof TFile) return [{ path: file.name, read: read(file) }];
  const prefix = path === '/' || path === '' ? '' : `${path}/`;
  return app.vault
    .getFiles()
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ path: f.path.slice(prefix.length), read: read(f) }));
}

/** Files picked on this device. A folder pick names files `<folder>/<path>`: drop the folder's own name. */
function deviceSource(files: readonly File[]): ImportSourceFile[] {
  return files.map((f) => {
    const rel = f.webkitRelativePath || f.name;
    const path = rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel;
    return { path, read: async () => utf8Text(await f.text(), () => f.arrayBuffer(), 'the file') };
  });
}

// ---- target -----------------------------------------------------------------------------------------

/** A vault folder as an import target: whole-note writes through `create` and `process`. */
export class VaultTarget implements ImportTarget {
  private readonly prefix: string;

  constructor(
    private readonly app: App,
    private readonly folder: string,
  ) {
    this.prefix = folder ? `${folder}/` : '';
  }

  private full(rel: string): string {
    return normalizePath(joinInside(this.folder, rel));
  }

  list(): Promise<string[]> {
    return Promise.resolve(
      this.app.vault
        .getFiles()
        .filter((f) => f.path.startsWith(this.prefix))
        .map((f) => f.path.slice(this.prefix.length)),
    );
  }

  otherBasenames(): Promise<string[]> {
    return Promise.resolve(
      this.app.vault
        .getMarkdownFiles()
        .filter((f) => !f.path.startsWith(this.prefix))
        .map((f) => f.basename),
    );
  }

  async read(rel: string): Promise<string> {
    const file = this.app.vault.getAbstractFileByPath(this.full(rel));
    if (!(file instanceof TFile)) throw new Error(`${rel} is not a file`);
    // A note that is not UTF-8 is left alone, and the import says why.
    return utf8Text(await this.app.vault.read(file), () => this.app.vault.readBinary(file), 'the note');
  }

  async write(rel: string, text: string, previous: string | null): Promise<void> {
    const path = this.full(rel);
    const existing = this.app.vault.getAbstractFileByPath(path);
    if (previous === null) {
      if (existing) throw new Error('a file appeared at this path during the import; not overwritten');
      await this.ensureFolder(path.slice(0, path.lastIndexOf('/')));
      await this.app.vault.create(path, text);
      return;
    }
    if (!(existing instanceof TFile)) throw new Error('the note was moved or deleted during the import');
    let changed = false;
    await this.app.vault.process(existing, (data) => {
      if (data === previous) return text;
      changed = true;
      return data;
    });
    if (changed) throw new Error('the note changed during the import; not overwritten');
  }

  private async ensureFolder(folder: string): Promise<void> {
    if (!folder || this.app.vault.getAbstractFileByPath(folder) instanceof TFolder) return;
    await this.ensureFolder(folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '');
    if (!this.app.vault.getAbstractFileByPath(folder)) await this.app.vault.createFolder(folder);
  }
}

// ---- the dialog -------------------------------------------------------------------------------------

function vaultFolders(app: App): string[] {
  return app.vault
    .getAllLoadedFiles()
    .filter((f): f is TFolder => f instanceof TFolder)
    .map((f) => (f.isRoot() ? '' : f.path))
    .sort();
}

class ImportModal extends Modal {
  private vaultPath = '';
  private picked: File[] = [];
  private target = '';
  private dryRun = false;

  constructor(
    app: App,
    private readonly spec: ImportSpec,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { contentEl, spec } = this;
    this.setTitle(spec.title);
    contentEl.createEl('p', { text: `Choose ${spec.what}, and the folder the notes go into.` });

    const choices =
      spec.source === 'file'
        ? this.app.vault
            .getFiles()
            .filter((f) => f.extension === 'json')
            .map((f) => f.path)
            .sort()
        : vaultFolders(this.app).filter((f) => f !== '');
    const pickedInfo = createDiv({ cls: 'setting-item-description' });
    new Setting(contentEl)
      .setName(spec.source === 'file' ? 'File in the vault' : 'Folder in the vault')
      .addDropdown((d) => {
        d.addOption('', '—');
        for (const c of choices) d.addOption(c, c);
        d.onChange((v) => {
          this.vaultPath = v;
          if (v) this.clearPicked(pickedInfo);
        });
      });

    // Device pickers: a folder pick needs `webkitdirectory`, which mobile browsers do not offer.
    if (spec.source === 'file' || !Platform.isMobile) {
      const input = contentEl.createEl('input', { attr: { type: 'file', ...(spec.source === 'file' ? { accept: '.json,application/json' } : { webkitdirectory: '', multiple: '' }) } });
      input.hide();
      input.addEventListener('change', () => {
        this.picked = Array.from(input.files ?? []);
        pickedInfo.setText(this.picked.length ? `${this.picked.length} files chosen on this device` : '');
      });
      new Setting(contentEl)
        .setName(spec.source === 'file' ? 'Or a file on this device' : 'Or a folder on this device')
        .addButton((b) => b.setButtonText(spec.source === 'file' ? 'Choose file…' : 'Choose folder…').onClick(() => input.click()));
      contentEl.appendChild(pickedInfo);
    }

    const folders = vaultFolders(this.app);
    new Setting(contentEl)
      .setName('Import into')
      .setDesc(`Notes go into "${DEFAULT_FOLDERS[NOTE_KIND[spec.kind]]}" inside this folder. Notes you edited are never overwritten.`)
      .addDropdown((d) => {
        for (const f of folders) d.addOption(f, f === '' ? '/ (vault root)' : f);
        d.setValue(this.target);
        d.onChange((v) => (this.target = v));
      });
    new Setting(contentEl)
      .setName('Dry run')
      .setDesc('Report what would change without writing anything.')
      .addToggle((t) => t.setValue(this.dryRun).onChange((v) => (this.dryRun = v)));
    new Setting(contentEl)
      .addButton((b) =>
        b
          .setButtonText('Import')
          .setCta()
          .onClick(() => this.start()),
      )
      .addButton((b) => b.setButtonText('Cancel').onClick(() => this.close()));
  }

  private clearPicked(info: HTMLElement): void {
    this.picked = [];
    info.setText('');
  }

  private start(): void {
    const files = this.picked.length ? deviceSource(this.picked) : this.vaultPath ? vaultSource(this.app, this.vaultPath) : [];
    if (files.length === 0) {
      new Notice('Choose a source first.');
      return;
    }
    this.close();
    void runInVault(this.app, this.spec, files, this.target, this.dryRun);
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Runs one import with a progress notice, then shows the summary. Exported for tests. */
export async function runInVault(app: App, spec: ImportSpec | SourceKind, files: ImportSourceFile[], target: string, dryRun = false): Promise<ImportSummary | null> {
  const s = typeof spec === 'string' ? (SPECS.find((x) => x.kind === spec) as ImportSpec) : spec;
  const notice = new Notice(`${s.title}: starting…`, 0);
  let last = 0;
  try {
    const summary = await runImport(files, new VaultTarget(app, target), {
      kind: s.kind,
      parseYaml,
      dryRun,
      yieldToUi,
      onProgress: (p) => {
        const now = Date.now();
        if (now - last < 250 && p.done !== p.total) return;
        last = now;
        notice.setMessage(`${s.title}: ${LABEL[p.phase].toLowerCase()} ${p.done}${p.total ? ` of ${p.total}` : ''}…`);
      },
    });
    notice.hide();
    new Notice(`${s.title}: ${summaryLine(summary)}`, 8000);
    if (summary.conflicts.length || summary.skipped.length || summary.failed.length || summary.stale.length) new SummaryModal(app, s.title, summary).open();
    return summary;
  } catch (e) {
    notice.hide();
    new Notice(`${s.title} failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export function summaryLine(s: ImportSummary): string {
  const parts = [
    `${s.created.length} created`,
    `${s.updated.length} updated`,
    `${s.unchanged.length + s.keptEdits.length} unchanged`,
    ...(s.conflicts.length ? [`${s.conflicts.length} not overwritten`] : []),
    ...(s.skipped.length ? [`${s.skipped.length} skipped`] : []),
    ...(s.failed.length ? [`${s.failed.length} failed`] : []),
  ];
  return `${parts.join(', ')}${s.dryRun ? ' (dry run, nothing written)' : ''}.`;
}

class SummaryModal extends Modal {
  constructor(
    app: App,
    private readonly title: string,
    private readonly summary: ImportSummary,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { contentEl, summary: s } = this;
    this.setTitle(this.title);
    contentEl.createEl('p', { text: summaryLine(s) });
    const section = (name: string, rows: string[]): void => {
      if (!rows.length) return;
      const details = contentEl.createEl('details');
      details.createEl('summary', { text: `${name} (${rows.length})` });
      const list = details.createEl('ul');
      for (const r of rows.slice(0, 200)) list.createEl('li', { text: r });
      if (rows.length > 200) list.createEl('li', { text: `… and ${rows.length - 200} more` });
    };
    section('Not overwritten', s.conflicts.map((c) => `${c.path}: ${c.reason}`));
    section('Failed', s.failed.map((c) => `${c.path}: ${c.reason}`));
    section('Skipped', s.skipped.map((c) => `${c.source}: ${c.reason}`));
    section('No longer in the source (kept)', s.stale);
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
