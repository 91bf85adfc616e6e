/**
 * A fake Obsidian app for glue tests and the browser harness: a vault of real note text, a metadata cache
 * built by the project's own `readMarkdown` (checked against recordings of real Obsidian), a workspace with
 * a main area and a right sidebar, commands, settings tabs and plugin loading.
 *
 * Events come in Obsidian's order:
 * - at start-up, vault `create` for every file, then metadata `resolved`; layout-ready comes last;
 * - `create`: vault `create` → metadata `changed` → `resolve` → `resolved`;
 * - `modify`: vault `modify` → metadata `changed` → `resolve` → `resolved`;
 * - `rename`: only vault `rename` (the metadata cache does not fire on renames);
 * - `delete`: vault `delete` → metadata `deleted` (with the previous cache).
 */
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { findCodeBlocks, findFrontmatter, readMarkdown, type FrontmatterReader } from '../../src/core/markdown';
import type { MetadataLike } from '../../src/core/metadata';
import {
  Component,
  Events,
  MarkdownPreviewRenderer,
  MarkdownView,
  Notice,
  TFile,
  TFolder,
  WorkspaceLeaf,
  getLinkpath,
  type Command,
  type MarkdownPostProcessorContext,
  type MarkdownRenderChild,
  type PaneType,
  type Plugin,
  type PluginManifest,
  type PluginSettingTab,
  type View,
} from './obsidian';

// ---- metadata --------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Frontmatter as Obsidian reads it: YAML core schema (dates stay strings); blank or non-map YAML is no frontmatter. */
export const readFrontmatter: FrontmatterReader = (text) => {
  const fm = findFrontmatter(text);
  if (!fm) return { data: null, yamlEnd: 0 };
  if (fm.yaml.split('\n').every((l) => /^[ \t]*(#.*)?\r?$/.test(l))) return { data: null, yamlEnd: fm.bodyStart };
  try {
    const raw = loadYaml(fm.yaml, { schema: CORE_SCHEMA });
    return { data: isRecord(raw) ? raw : null, yamlEnd: fm.bodyStart };
  } catch (e) {
    return { data: null, yamlEnd: fm.bodyStart, error: `Frontmatter YAML error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
};

export function metadataOf(text: string): MetadataLike {
  return readMarkdown(text, readFrontmatter).cache;
}

let clock = 1_700_000_000_000;

export class FakeMetadataCache extends Events {
  private caches = new Map<string, MetadataLike>();
  /** Paths whose cache is not ready yet (getFileCache gives null until they are "parsed"). */
  private pending = new Set<string>();
  resolvedLinks: Record<string, Record<string, number>> = {};
  unresolvedLinks: Record<string, Record<string, number>> = {};

  constructor(private readonly app: FakeApp) {
    super();
  }

  getFileCache(file: TFile): MetadataLike | null {
    return this.getCache(file.path);
  }

  getCache(path: string): MetadataLike | null {
    if (this.pending.has(path)) return null;
    return this.caches.get(path) ?? null;
  }

  getFirstLinkpathDest(linkpath: string, _sourcePath: string): TFile | null {
    const vault = this.app.vault;
    const direct = vault.getFileByPath(linkpath) ?? vault.getFileByPath(`${linkpath}.md`);
    if (direct) return direct;
    const want = linkpath.toLowerCase().replace(/\.md$/, '');
    const hits = vault.getMarkdownFiles().filter((f) => f.basename.toLowerCase() === want || f.path.toLowerCase().replace(/\.md$/, '').endsWith(`/${want}`));
    hits.sort((a, b) => a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
    return hits[0] ?? null;
  }

  fileToLinktext(file: TFile, _sourcePath: string, omitMdExtension = true): string {
    const same = this.app.vault.getMarkdownFiles().filter((f) => f.basename === file.basename);
    const base = same.length > 1 ? file.path : file.name;
    return omitMdExtension ? base.replace(/\.md$/, '') : base;
  }

  /** Test helper: compute and store a note's cache without events. */
  _set(path: string, text: string): MetadataLike {
    const cache = metadataOf(text);
    this.caches.set(path, cache);
    return cache;
  }

  _move(from: string, to: string): void {
    const c = this.caches.get(from);
    this.caches.delete(from);
    if (c) this.caches.set(to, c);
    // A note whose metadata is not ready is still not ready under its new name.
    if (this.pending.delete(from)) this.pending.add(to);
  }

  _delete(path: string): MetadataLike | null {
    const c = this.caches.get(path) ?? null;
    this.caches.delete(path);
    return c;
  }

  /** Test helper: make a note's cache unavailable until `_finishParsing`. */
  _hold(path: string): void {
    this.pending.add(path);
  }

  /**
   * Test helper: the held caches become available without `changed` events, then `resolved`: notes
   * unchanged since the last session, whose metadata Obsidian loads from its own store rather than parsing.
   */
  _finishLoadingStored(): void {
    this.pending.clear();
    this.trigger('resolved');
  }

  /** Test helper: the held caches become available, each with its `changed` event, then `resolved`. */
  _finishParsing(): void {
    const paths = [...this.pending];
    this.pending.clear();
    for (const p of paths) {
      const file = this.app.vault.getFileByPath(p);
      const cache = this.caches.get(p);
      if (file && cache) this.trigger('changed', file, this.app.vault._text(p), cache);
    }
    this.trigger('resolved');
  }
}

// ---- vault -------------------------------------------------------------------------------------------

export class FakeVault extends Events {
  /** Each file's text, and its bytes when they are not that text in UTF-8 (see `_addBytes`). */
  private files = new Map<string, { file: TFile; text: string; bytes?: Uint8Array }>();
  private folders = new Map<string, TFolder>();
  private readonly root: TFolder;
  configDir = '.obsidian';
  /**
   * Obsidian's DataAdapter reads any path under the vault, the config folder included. Files in the
   * config folder (a plugin's styles.css) are not vault notes: tests put them in `configFiles`.
   */
  readonly configFiles = new Map<string, string>();
  adapter = {
    basePath: '',
    read: (path: string): Promise<string> => {
      const text = this.configFiles.get(path) ?? this.files.get(path)?.text;
      return text === undefined ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`)) : Promise.resolve(text);
    },
  };

  constructor(private readonly app: FakeApp) {
    super();
    const root = new TFolder();
    root.path = '/';
    root.name = '';
    root.vault = this;
    this.root = root;
    this.folders.set('/', root);
  }

  getName(): string {
    return 'test-vault';
  }

  getRoot(): TFolder {
    return this.root;
  }

  private folder(path: string): TFolder {
    if (path === '' || path === '/') return this.getRoot();
    let f = this.folders.get(path);
    if (f) return f;
    const i = path.lastIndexOf('/');
    const parent = this.folder(i < 0 ? '' : path.slice(0, i));
    f = new TFolder();
    f.path = path;
    f.name = path.slice(i + 1);
    f.parent = parent;
    f.vault = this;
    parent.children.push(f);
    this.folders.set(path, f);
    return f;
  }

  private place(file: TFile, path: string): void {
    file.path = path;
    file.name = path.slice(path.lastIndexOf('/') + 1);
    const dot = file.name.lastIndexOf('.');
    file.basename = dot > 0 ? file.name.slice(0, dot) : file.name;
    file.extension = dot > 0 ? file.name.slice(dot + 1) : '';
    const i = path.lastIndexOf('/');
    const parent = this.folder(i < 0 ? '' : path.slice(0, i));
    if (file.parent && file.parent !== parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    if (!parent.children.includes(file)) parent.children.push(file);
    file.parent = parent;
  }

  /** Adds a file without events (what the vault holds before the app finishes loading). */
  _add(path: string, text: string): TFile {
    const file = new TFile();
    file.vault = this;
    this.place(file, path);
    file.stat = { ctime: clock, mtime: clock++, size: text.length };
    this.files.set(path, { file, text });
    if (file.extension === 'md') this.app.metadataCache._set(path, text);
    return file;
  }

  /** Adds a file from its bytes, which need not be UTF-8: `read` gives them decoded as Obsidian does, U+FFFD for what is not. */
  _addBytes(path: string, bytes: Uint8Array): TFile {
    const file = this._add(path, new TextDecoder().decode(bytes));
    const e = this.files.get(path);
    if (e) e.bytes = bytes;
    return file;
  }

  readBinary(file: TFile): Promise<ArrayBuffer> {
    const e = this.files.get(file.path);
    if (!e) return Promise.reject(new Error(`ENOENT: ${file.path}`));
    const bytes = e.bytes ?? new TextEncoder().encode(e.text);
    return Promise.resolve(bytes.slice().buffer);
  }

  _text(path: string): string {
    return this.files.get(path)?.text ?? '';
  }

  getFiles(): TFile[] {
    return [...this.files.values()].map((e) => e.file);
  }

  getMarkdownFiles(): TFile[] {
    return this.getFiles().filter((f) => f.extension === 'md');
  }

  getAllLoadedFiles(): Array<TFile | TFolder> {
    return [...this.folders.values(), ...this.getFiles()];
  }

  getAllFolders(includeRoot = false): TFolder[] {
    return [...this.folders.values()].filter((f) => includeRoot || !f.isRoot());
  }

  getFileByPath(path: string): TFile | null {
    return this.files.get(path)?.file ?? null;
  }

  getFolderByPath(path: string): TFolder | null {
    return this.folders.get(path === '' ? '/' : path) ?? null;
  }

  getAbstractFileByPath(path: string): TFile | TFolder | null {
    return this.getFileByPath(path) ?? this.getFolderByPath(path);
  }

  createFolder(path: string): Promise<TFolder> {
    if (this.getAbstractFileByPath(path)) return Promise.reject(new Error('Folder already exists.'));
    const folder = this.folder(path);
    this.trigger('create', folder);
    return Promise.resolve(folder);
  }

  read(file: TFile): Promise<string> {
    return this.cachedRead(file);
  }

  cachedRead(file: TFile): Promise<string> {
    const e = this.files.get(file.path);
    return e ? Promise.resolve(e.text) : Promise.reject(new Error(`ENOENT: ${file.path}`));
  }

  private parsed(file: TFile, text: string): void {
    if (file.extension !== 'md') return;
    const cache = this.app.metadataCache._set(file.path, text);
    this.app.metadataCache.trigger('changed', file, text, cache);
    this.app.metadataCache.trigger('resolve', file);
    this.app.metadataCache.trigger('resolved');
  }

  create(path: string, text: string): Promise<TFile> {
    if (this.files.has(path)) return Promise.reject(new Error('File already exists.'));
    const file = this._add(path, text);
    this.trigger('create', file);
    this.parsed(file, text);
    return Promise.resolve(file);
  }

  modify(file: TFile, text: string): Promise<void> {
    const e = this.files.get(file.path);
    if (!e) return Promise.reject(new Error(`ENOENT: ${file.path}`));
    e.text = text;
    delete e.bytes; // written as UTF-8 from now on
    file.stat = { ...file.stat, mtime: clock++, size: text.length };
    this.trigger('modify', file);
    this.parsed(file, text);
    return Promise.resolve();
  }

  async process(file: TFile, fn: (data: string) => string): Promise<string> {
    const before = this._text(file.path);
    const after = fn(before);
    if (after !== before) await this.modify(file, after);
    return after;
  }

  append(file: TFile, text: string): Promise<void> {
    return this.modify(file, this._text(file.path) + text);
  }

  rename(file: TFile | TFolder, newPath: string): Promise<void> {
    if (file instanceof TFolder) {
      const old = file.path;
      for (const f of this.getFiles().filter((x) => x.path.startsWith(`${old}/`))) void this.rename(f, newPath + f.path.slice(old.length));
      return Promise.resolve();
    }
    const e = this.files.get(file.path);
    if (!e) return Promise.reject(new Error(`ENOENT: ${file.path}`));
    if (this.files.has(newPath)) return Promise.reject(new Error('Destination file already exists!'));
    const oldPath = file.path;
    this.files.delete(oldPath);
    this.place(file, newPath);
    this.files.set(newPath, e);
    this.app.metadataCache._move(oldPath, newPath);
    this.trigger('rename', file, oldPath);
    return Promise.resolve();
  }

  delete(file: TFile): Promise<void> {
    if (!this.files.delete(file.path)) return Promise.reject(new Error(`ENOENT: ${file.path}`));
    if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
    const prev = this.app.metadataCache._delete(file.path);
    this.trigger('delete', file);
    if (file.extension === 'md') this.app.metadataCache.trigger('deleted', file, prev);
    return Promise.resolve();
  }

  trash(file: TFile): Promise<void> {
    return this.delete(file);
  }
}

// ---- editor and markdown view ----------------------------------------------------------------------

export class FakeEditor {
  /** Offset of the cursor; the end of the note unless a test moves it. */
  cursor: number | null = null;
  constructor(private readonly view: FakeMarkdownView) {}

  getValue(): string {
    return this.view.file ? this.view.app.vault._text(this.view.file.path) : '';
  }

  private offset(): number {
    return this.cursor ?? this.getValue().length;
  }

  getCursor(): { line: number; ch: number } {
    const before = this.getValue().slice(0, this.offset());
    const lines = before.split('\n');
    return { line: lines.length - 1, ch: (lines[lines.length - 1] ?? '').length };
  }

  replaceSelection(text: string): void {
    const v = this.getValue();
    const at = this.offset();
    this.cursor = at + text.length;
    if (this.view.file) void this.view.app.vault.modify(this.view.file, v.slice(0, at) + text + v.slice(at));
  }

  getLine(n: number): string {
    return this.getValue().split('\n')[n] ?? '';
  }

  lineCount(): number {
    return this.getValue().split('\n').length;
  }
}

/**
 * Reading view of a note: headings, paragraphs and list items as text; code blocks through the registered
 * code-block processors (as Obsidian does), with their render children owned by the view.
 */
export class FakeMarkdownView extends MarkdownView {
  private preview: Component | null = null;
  private previewEl: HTMLElement;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.editor = new FakeEditor(this);
    this.contentEl.addClass('markdown-reading-view');
    this.previewEl = this.contentEl.createDiv({ cls: 'markdown-preview-view markdown-rendered' });
  }

  override onload(): void {
    this.registerEvent(
      this.app.metadataCache.on('changed', (file: TFile) => {
        if (file === this.file) void this.render();
      }),
    );
    this.registerEvent(
      this.app.vault.on('rename', (file: TFile) => {
        if (file === this.file) this.headerEl.querySelector('.view-header-title')?.setText(file.basename);
      }),
    );
    this.registerEvent(
      this.app.vault.on('delete', (file: TFile) => {
        if (file === this.file) {
          this.file = null;
          void this.render();
        }
      }),
    );
  }

  override getState(): Record<string, unknown> {
    return { file: this.file?.path };
  }

  override async setState(state: unknown): Promise<void> {
    const path = (state as { file?: string }).file;
    this.file = path ? this.app.vault.getFileByPath(path) : null;
    this.headerEl.querySelector('.view-header-title')?.setText(this.getDisplayText());
    await this.render();
  }

  async render(): Promise<void> {
    if (this.preview) this.removeChild(this.preview);
    const preview = (this.preview = this.addChild(new Component()));
    const sizer = createDiv({ cls: 'markdown-preview-sizer markdown-preview-section' });
    if (this.file) {
      const text: string = await this.app.vault.cachedRead(this.file);
      sizer.createEl('h1', { cls: 'inline-title', text: this.file.basename });
      renderMarkdownText(sizer, text, this.file.path, preview, this.app.metadataCache.getFileCache(this.file)?.frontmatter);
    }
    this.previewEl.replaceChildren(sizer);
  }
}

function renderMarkdownText(parent: HTMLElement, text: string, sourcePath: string, owner: Component, frontmatter: unknown): void {
  const fm = findFrontmatter(text);
  const bodyStart = fm ? fm.bodyStart : 0;
  const blocks = findCodeBlocks(text, bodyStart);
  const lines = text.split('\n');
  const firstBodyLine = text.slice(0, bodyStart).split('\n').length - 1;
  let para: string[] = [];
  let list: HTMLElement | null = null;
  const flush = (): void => {
    if (para.length) parent.createEl('p', { text: para.join(' ') });
    para = [];
  };
  for (let i = firstBodyLine; i < lines.length; i++) {
    const block = blocks.find((b) => b.start.line === i);
    if (block) {
      flush();
      list = null;
      const wrapper = parent.createDiv({ cls: 'el-pre' });
      const handler = MarkdownPreviewRenderer.codeBlockPostProcessors[block.lang];
      if (handler) {
        const el = wrapper.createDiv({ cls: `block-language-${block.lang}` });
        const ctx: MarkdownPostProcessorContext = {
          docId: `doc-${sourcePath}`,
          sourcePath,
          frontmatter,
          addChild: (child: MarkdownRenderChild) => void owner.addChild(child),
          getSectionInfo: () => null,
        };
        try {
          const r = handler(block.content, el, ctx);
          if (r instanceof Promise) r.catch((e) => console.error(e));
        } catch (e) {
          console.error(e);
        }
      } else {
        wrapper.createEl('pre').createEl('code', { cls: `language-${block.lang}`, text: block.content });
      }
      i = block.end.line;
      continue;
    }
    const line = (lines[i] ?? '').replace(/\r$/, '');
    // HTML comments are not shown in reading view.
    if (line.trimStart().startsWith('<!--')) {
      flush();
      while (i < lines.length && !(lines[i] ?? '').includes('-->')) i++;
      continue;
    }
    // Pipe tables: a header row, a delimiter row, body rows; cells as text.
    if (line.trimStart().startsWith('|') && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '')) {
      flush();
      list = null;
      const cells = (l: string): string[] => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      const table = parent.createEl('table');
      const head = table.createEl('thead').createEl('tr');
      for (const c of cells(line)) head.createEl('th', { text: c });
      const body = table.createEl('tbody');
      i += 2;
      while (i < lines.length && (lines[i] ?? '').trimStart().startsWith('|')) {
        const tr = body.createEl('tr');
        for (const c of cells(lines[i] ?? '')) tr.createEl('td', { text: c });
        i++;
      }
      i--;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const li = /^\s*[-*]\s+(.*)$/.exec(line);
    if (h) {
      flush();
      list = null;
      parent.createEl(`h${(h[1] as string).length}` as 'h1', { text: h[2] ?? '' });
    } else if (li) {
      flush();
      list ??= parent.createEl('ul');
      list.createEl('li', { text: li[1] ?? '' });
    } else if (line.trim() === '') {
      flush();
      list = null;
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
}

// ---- workspace ---------------------------------------------------------------------------------------

class FakeSplit {
  el: HTMLElement;
  constructor(parent: HTMLElement, cls: string) {
    this.el = parent.createDiv({ cls: `workspace-split ${cls}` });
  }
  get collapsed(): boolean {
    return this.el.classList.contains('is-collapsed');
  }
  collapse(): void {
    this.el.classList.add('is-collapsed');
  }
  expand(): void {
    this.el.classList.remove('is-collapsed');
  }
  toggle(): void {
    this.el.classList.toggle('is-collapsed');
  }
}

export class FakeWorkspace extends Events {
  layoutReady = false;
  containerEl: HTMLElement;
  ribbonEl: HTMLElement;
  rootSplit: FakeSplit;
  rightSplit: FakeSplit;
  leftSplit: FakeSplit;
  activeLeaf: WorkspaceLeaf | null = null;
  private leaves: WorkspaceLeaf[] = [];
  private readyCallbacks: Array<() => unknown> = [];
  private lastFile: TFile | null = null;
  requestSaveLayout = (): void => {};

  constructor(private readonly app: FakeApp, root: HTMLElement) {
    super();
    this.containerEl = root.createDiv({ cls: 'workspace' });
    this.ribbonEl = this.containerEl.createDiv({ cls: 'workspace-ribbon side-dock-ribbon mod-left' });
    this.leftSplit = new FakeSplit(this.containerEl, 'mod-horizontal mod-left-split is-collapsed');
    this.rootSplit = new FakeSplit(this.containerEl, 'mod-vertical mod-root');
    this.rightSplit = new FakeSplit(this.containerEl, 'mod-horizontal mod-right-split');
  }

  onLayoutReady(cb: () => unknown): void {
    if (this.layoutReady) void cb();
    else this.readyCallbacks.push(cb);
  }

  _setLayoutReady(): void {
    this.layoutReady = true;
    const cbs = this.readyCallbacks;
    this.readyCallbacks = [];
    for (const cb of cbs) void cb();
    this.trigger('layout-ready');
  }

  private split(side: 'main' | 'left' | 'right'): FakeSplit {
    return side === 'main' ? this.rootSplit : side === 'right' ? this.rightSplit : this.leftSplit;
  }

  private newLeaf(side: 'main' | 'left' | 'right'): WorkspaceLeaf {
    const leaf = new WorkspaceLeaf(this.app, side);
    this.leaves.push(leaf);
    const split = this.split(side);
    // One visible leaf per side, like a tab group: a new leaf starts hidden until revealed or made active.
    leaf.containerEl.setAttribute('hidden', '');
    split.el.appendChild(leaf.containerEl);
    if (!this.leaves.some((l) => l !== leaf && l.side === side && !l.containerEl.hasAttribute('hidden'))) leaf.containerEl.removeAttribute('hidden');
    return leaf;
  }

  _removeLeaf(leaf: WorkspaceLeaf): void {
    this.leaves = this.leaves.filter((l) => l !== leaf);
    if (this.activeLeaf === leaf) this.activeLeaf = null;
    this.trigger('layout-change');
  }

  private show(leaf: WorkspaceLeaf): void {
    for (const l of this.leaves) if (l.side === leaf.side) l.containerEl.toggleAttribute('hidden', l !== leaf);
  }

  /** As in Obsidian: without `newLeaf`, an existing main leaf that can be navigated (not a static view such as the matrix). */
  getLeaf(newLeaf?: PaneType | boolean): WorkspaceLeaf {
    if (!newLeaf) {
      const navigable = (l: WorkspaceLeaf | null | undefined): l is WorkspaceLeaf =>
        !!l && l.side === 'main' && (l.view as { navigation?: boolean } | null)?.navigation !== false;
      const current = navigable(this.activeLeaf) ? this.activeLeaf : [...this.leaves].reverse().find((l) => navigable(l) && !l.containerEl.hasAttribute('hidden'));
      if (current) return current;
    }
    const leaf = this.newLeaf('main');
    return leaf;
  }

  getMostRecentLeaf(): WorkspaceLeaf | null {
    return [...this.leaves].reverse().find((l) => l.side === 'main' && !l.containerEl.hasAttribute('hidden')) ?? null;
  }

  getRightLeaf(_split: boolean): WorkspaceLeaf | null {
    return this.newLeaf('right');
  }

  getLeftLeaf(_split: boolean): WorkspaceLeaf | null {
    return this.newLeaf('left');
  }

  async ensureSideLeaf(type: string, side: 'left' | 'right', options: { active?: boolean; reveal?: boolean; state?: unknown } = {}): Promise<WorkspaceLeaf> {
    let leaf = this.getLeavesOfType(type)[0];
    if (!leaf) {
      leaf = this.newLeaf(side);
      await leaf.setViewState({ type, state: options.state as Record<string, unknown> | undefined });
    }
    if (options.reveal !== false) await this.revealLeaf(leaf);
    if (options.active) this.setActiveLeaf(leaf);
    return leaf;
  }

  getLeavesOfType(type: string): WorkspaceLeaf[] {
    return this.leaves.filter((l) => l.view.getViewType() === type);
  }

  iterateAllLeaves(cb: (leaf: WorkspaceLeaf) => unknown): void {
    for (const l of [...this.leaves]) cb(l);
  }

  iterateRootLeaves(cb: (leaf: WorkspaceLeaf) => unknown): void {
    for (const l of this.leaves.filter((x) => x.side === 'main')) cb(l);
  }

  detachLeavesOfType(type: string): void {
    for (const l of this.getLeavesOfType(type)) l.detach();
  }

  revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    this.split(leaf.side).expand();
    this.show(leaf);
    this.trigger('layout-change');
    return Promise.resolve();
  }

  setActiveLeaf(leaf: WorkspaceLeaf, _params?: unknown): void {
    this.show(leaf);
    this.split(leaf.side).expand();
    this.activeLeaf = leaf;
    this.trigger('active-leaf-change', leaf);
    const file = this.fileOf(leaf);
    if (file && file !== this.lastFile) {
      this.lastFile = file;
      this.trigger('file-open', file);
    }
  }

  private fileOf(leaf: WorkspaceLeaf | null): TFile | null {
    const view = leaf?.view as { file?: TFile | null } | undefined;
    return view?.file ?? null;
  }

  /** The active leaf's file; null while a sidebar view without a file has focus. */
  getActiveFile(): TFile | null {
    return this.fileOf(this.activeLeaf);
  }

  get activeEditor(): { editor: unknown; file: TFile | null } | null {
    const view = this.activeLeaf?.view;
    return view instanceof MarkdownView ? { editor: view.editor, file: view.file } : null;
  }

  getActiveViewOfType<T>(type: abstract new (...args: never[]) => T): T | null {
    const view = this.activeLeaf?.view;
    return view instanceof type ? view : null;
  }

  /** Opens a note in a main-area leaf (a new tab on modifier-click) and makes it active. */
  async openLinkText(linktext: string, sourcePath: string, newLeaf?: PaneType | boolean): Promise<void> {
    const file = this.app.metadataCache.getFirstLinkpathDest(getLinkpath(linktext), sourcePath);
    this.app.opened.push({ linktext, sourcePath, newLeaf: newLeaf ?? false });
    if (!file) return;
    const leaf = this.getLeaf(newLeaf);
    await leaf.openFile(file);
    this.setActiveLeaf(leaf);
  }

  /** Test helper: a file opened with a forced `file-open` (as clicking a file in the explorer does). */
  async openFile(path: string, newLeaf?: PaneType | boolean): Promise<WorkspaceLeaf> {
    const file = this.app.vault.getFileByPath(path);
    if (!file) throw new Error(`no such file: ${path}`);
    const leaf = this.getLeaf(newLeaf);
    await leaf.openFile(file);
    this.setActiveLeaf(leaf);
    return leaf;
  }
}

// ---- commands and settings -------------------------------------------------------------------------

export class FakeCommands {
  commands: Record<string, Command> = {};
  constructor(private readonly app: FakeApp) {}

  _add(full: Command, original: Command): void {
    this.commands[full.id] = { ...original, id: full.id, name: full.name };
  }

  _remove(id: string): void {
    delete this.commands[id];
  }

  listCommands(): Command[] {
    return Object.values(this.commands);
  }

  findCommand(id: string): Command | undefined {
    return this.commands[id];
  }

  private editorContext(): { editor: unknown; view: unknown } | null {
    const view = this.app.workspace.activeLeaf?.view;
    return view instanceof MarkdownView && view.file ? { editor: view.editor, view } : null;
  }

  /** Whether the command palette would list the command now. */
  isAvailable(id: string): boolean {
    const c = this.commands[id];
    if (!c) return false;
    if (c.checkCallback) return c.checkCallback(true) === true;
    if (c.editorCheckCallback || c.editorCallback) {
      const ctx = this.editorContext();
      if (!ctx) return false;
      return c.editorCheckCallback ? c.editorCheckCallback(true, ctx.editor, ctx.view) === true : true;
    }
    return true;
  }

  executeCommandById(id: string): boolean {
    const c = this.commands[id];
    if (!c || !this.isAvailable(id)) return false;
    if (c.checkCallback) c.checkCallback(false);
    else if (c.editorCheckCallback || c.editorCallback) {
      const ctx = this.editorContext();
      if (!ctx) return false;
      if (c.editorCheckCallback) c.editorCheckCallback(false, ctx.editor, ctx.view);
      else c.editorCallback?.(ctx.editor, ctx.view);
    } else void c.callback?.();
    return true;
  }
}

export class FakeSettings {
  tabs = new Map<string, PluginSettingTab>();
  activeTab: PluginSettingTab | null = null;
  containerEl: HTMLElement;
  constructor(root: HTMLElement) {
    this.containerEl = root.createDiv({ cls: 'modal-container mod-settings', attr: { hidden: '' } });
  }
  _add(id: string, tab: PluginSettingTab): void {
    this.tabs.set(id, tab);
  }
  _remove(id: string): void {
    this.tabs.delete(id);
  }
  /** Opens a plugin's tab: attaches its container and calls display(). */
  openTabById(id: string): PluginSettingTab | null {
    const tab = this.tabs.get(id) ?? null;
    this.activeTab?.hide();
    this.activeTab = tab;
    if (!tab) return null;
    this.containerEl.removeAttribute('hidden');
    this.containerEl.replaceChildren(tab.containerEl);
    tab.display();
    return tab;
  }
  close(): void {
    this.activeTab?.hide();
    this.activeTab = null;
    this.containerEl.setAttribute('hidden', '');
  }
}

// ---- the app ----------------------------------------------------------------------------------------

export interface FakeAppOptions {
  /** Where the workspace is attached (document.body by default). */
  root?: HTMLElement;
  /** Community plugins enabled in this vault (e.g. `dataview`). */
  enabledPlugins?: string[];
  /** Saved plugin data (`data.json`) by plugin id. */
  pluginData?: Record<string, unknown>;
  /** Notes whose metadata is not parsed yet when the layout becomes ready. */
  unparsed?: string[];
}

export class FakeApp {
  vault: FakeVault;
  metadataCache: FakeMetadataCache;
  workspace: FakeWorkspace;
  commands: FakeCommands;
  setting: FakeSettings;
  plugins = { enabledPlugins: new Set<string>(), plugins: {} as Record<string, unknown> };
  keymap = { pushScope: (): void => {}, popScope: (): void => {} };
  scope = {};
  lastEvent: unknown = null;
  fileManager: { trashFile: (f: TFile) => Promise<void>; processFrontMatter: (f: TFile, fn: (fm: Record<string, unknown>) => void) => Promise<void> };
  rootEl: HTMLElement;
  /** Test helper: every openLinkText call. */
  opened: Array<{ linktext: string; sourcePath: string; newLeaf: PaneType | boolean }> = [];
  _pluginData = new Map<string, unknown>();
  _hoverLinkSources = new Map<string, { display: string; defaultMod: boolean }>();
  private views = new Map<string, (leaf: WorkspaceLeaf) => View>();
  private dark = false;

  constructor(opts: FakeAppOptions = {}) {
    // One registry per app, as in a fresh Obsidian window.
    MarkdownPreviewRenderer.codeBlockPostProcessors = {};
    Notice.shown = [];
    this.rootEl = (opts.root ?? document.body).createDiv({ cls: 'app-container' });
    this.vault = new FakeVault(this);
    this.metadataCache = new FakeMetadataCache(this);
    this.workspace = new FakeWorkspace(this, this.rootEl);
    this.commands = new FakeCommands(this);
    this.setting = new FakeSettings(this.rootEl);
    for (const id of opts.enabledPlugins ?? []) this.plugins.enabledPlugins.add(id);
    for (const [id, data] of Object.entries(opts.pluginData ?? {})) this._pluginData.set(id, data);
    this.fileManager = {
      trashFile: (f) => this.vault.delete(f),
      processFrontMatter: async () => {},
    };
  }

  /**
   * A vault as Obsidian has it right after start-up: every file present and parsed (except `unparsed`),
   * vault `create` fired for each and metadata `resolved` once — but the layout is not ready yet
   * (plugins load in between). Call `layoutReady()` next.
   */
  static start(files: Record<string, string>, opts: FakeAppOptions = {}): FakeApp {
    const app = new FakeApp(opts);
    for (const [path, text] of Object.entries(files)) app.vault._add(path, text);
    for (const p of opts.unparsed ?? []) app.metadataCache._hold(p);
    for (const f of app.vault.getFiles()) app.vault.trigger('create', f);
    app.metadataCache.trigger('resolved');
    return app;
  }

  layoutReady(): void {
    this.workspace._setLayoutReady();
  }

  isDarkMode(): boolean {
    return this.dark;
  }

  setDarkMode(dark: boolean): void {
    this.dark = dark;
    document.body.classList.toggle('theme-dark', dark);
    document.body.classList.toggle('theme-light', !dark);
    this.workspace.trigger('css-change');
  }

  _viewCreator(type: string): ((leaf: WorkspaceLeaf) => View) | undefined {
    if (type === 'markdown') return (leaf) => new FakeMarkdownView(leaf);
    return this.views.get(type);
  }

  _registerView(type: string, creator: (leaf: WorkspaceLeaf) => View): void {
    if (this.views.has(type)) throw new Error(`Attempting to register an existing view type "${type}"`);
    this.views.set(type, creator);
  }

  _unregisterView(type: string): void {
    this.views.delete(type);
  }

  /** Loads a plugin as Obsidian does (awaiting an async onload); `userEnable` also calls onUserEnable. */
  async enablePlugin<P>(PluginClass: new (app: never, manifest: never) => P, manifest: PluginManifest, opts: { userEnable?: boolean } = {}): Promise<P> {
    // Obsidian fills in where the plugin lives.
    const instance = new PluginClass(this as never, { dir: `${this.vault.configDir}/plugins/${manifest.id}`, ...manifest } as never);
    const plugin = instance as unknown as Plugin;
    await plugin._loadAsync();
    this.plugins.plugins[manifest.id] = plugin;
    this.plugins.enabledPlugins.add(manifest.id);
    if (opts.userEnable) plugin.onUserEnable();
    return instance;
  }

  disablePlugin(instance: unknown): void {
    const plugin = instance as Plugin;
    plugin.unload();
    delete this.plugins.plugins[plugin.manifest.id];
    this.plugins.enabledPlugins.delete(plugin.manifest.id);
  }

  destroy(): void {
    for (const p of Object.values(this.plugins.plugins)) (p as Plugin).unload?.();
    this.workspace.iterateAllLeaves((l) => l.detach());
    this.rootEl.remove();
  }
}

