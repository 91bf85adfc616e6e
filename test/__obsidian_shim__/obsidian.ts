/**
 * A runtime stand-in for the `obsidian` module (npm ships types only). jest maps `obsidian` here, and the
 * browser harness aliases it here with esbuild. It is not a faithful Obsidian: it reproduces what our glue
 * depends on — component lifecycles with real cleanup, events in Obsidian's order, views and leaves, the
 * code-block registry that throws on a duplicate language, settings components — and nothing else.
 * The fake app, vault and metadata cache live in `fake-app.ts`.
 */
import { CORE_SCHEMA, load as loadYaml, dump as dumpYaml } from 'js-yaml';
import { getAllTags as coreGetAllTags, parseFrontMatterTags as coreParseFrontMatterTags } from '../../src/core/markdown';
import type { MetadataLike } from '../../src/core/metadata';
import { installDomExtensions } from './dom';
import type { FakeApp, FakeEditor } from './fake-app';

installDomExtensions();

// ---- helpers -----------------------------------------------------------------------------------------

export function normalizePath(path: string): string {
  let p = path.replace(/([\\/])+/g, '/').replace(/(^\/+|\/+$)/g, '');
  if (p === '') p = '/';
  return p.replace(/\u00A0|\u202F/g, ' ').normalize('NFC');
}

export function parseYaml(yaml: string): unknown {
  return loadYaml(yaml, { schema: CORE_SCHEMA });
}

export function stringifyYaml(obj: unknown): string {
  return dumpYaml(obj, { schema: CORE_SCHEMA });
}

export function getAllTags(cache: MetadataLike): string[] | null {
  const tags = coreGetAllTags(cache);
  return tags.length ? tags : null;
}

export function parseFrontMatterTags(frontmatter: Record<string, unknown> | null): string[] | null {
  return coreParseFrontMatterTags(frontmatter);
}

export function getLinkpath(linktext: string): string {
  const hash = linktext.indexOf('#');
  return hash < 0 ? linktext : linktext.slice(0, hash);
}

export function getFrontMatterInfo(content: string): { exists: boolean; frontmatter: string; from: number; to: number; contentStart: number } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(content);
  if (!m) return { exists: false, frontmatter: '', from: 0, to: 0, contentStart: 0 };
  return { exists: true, frontmatter: m[1] ?? '', from: 4, to: 4 + (m[1] ?? '').length, contentStart: m[0].length };
}

export interface Debouncer<T extends unknown[], V> {
  (...args: [...T]): Debouncer<T, V>;
  cancel(): Debouncer<T, V>;
  run(): V | void;
}

/** Obsidian's debounce: trailing call with the latest arguments; `resetTimer` restarts the wait on each call. */
export function debounce<T extends unknown[], V>(cb: (...args: [...T]) => V, timeout = 0, resetTimer = false): Debouncer<T, V> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: T | null = null;
  const fire = (): V | void => {
    timer = null;
    if (!lastArgs) return;
    const args = lastArgs;
    lastArgs = null;
    return cb(...args);
  };
  const fn = ((...args: T) => {
    lastArgs = args;
    if (timer !== null && resetTimer) {
      clearTimeout(timer);
      timer = null;
    }
    timer ??= setTimeout(fire, timeout);
    return fn;
  }) as Debouncer<T, V>;
  fn.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
    return fn;
  };
  fn.run = () => {
    if (timer !== null) clearTimeout(timer);
    return fire();
  };
  return fn;
}

export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.setAttribute('data-icon', iconId);
}

export function setTooltip(el: HTMLElement, tooltip: string): void {
  el.setAttribute('aria-label', tooltip);
}

export function requireApiVersion(): boolean {
  return true;
}

export const Platform = { isDesktop: true, isMobile: false, isDesktopApp: true, isMobileApp: false, isIosApp: false, isAndroidApp: false, isPhone: false, isTablet: false, isMacOS: false, isWin: false, isLinux: true, isSafari: false };

export const apiVersion = '1.12.3';

// ---- events and components -----------------------------------------------------------------------

type Handler = (...data: unknown[]) => unknown;

export interface EventRef {
  e: Events;
  name: string;
  fn: Handler;
  ctx?: unknown;
}

export class Events {
  private _handlers = new Map<string, EventRef[]>();

  on<A extends unknown[]>(name: string, callback: (...data: A) => unknown, ctx?: unknown): EventRef {
    const ref: EventRef = { e: this, name, fn: callback as Handler, ctx };
    const list = this._handlers.get(name) ?? [];
    list.push(ref);
    this._handlers.set(name, list);
    return ref;
  }

  off<A extends unknown[]>(name: string, callback: (...data: A) => unknown): void {
    const list = this._handlers.get(name);
    if (list) this._handlers.set(name, list.filter((r) => r.fn !== (callback as Handler)));
  }

  offref(ref: EventRef): void {
    const list = this._handlers.get(ref.name);
    if (list) this._handlers.set(ref.name, list.filter((r) => r !== ref));
  }

  trigger(name: string, ...data: unknown[]): void {
    for (const ref of [...(this._handlers.get(name) ?? [])]) this.tryTrigger(ref, data);
  }

  tryTrigger(ref: EventRef, args: unknown[]): void {
    try {
      ref.fn.apply(ref.ctx, args);
    } catch (e) {
      // Obsidian logs a throwing handler and carries on with the others.
      console.error(e);
    }
  }

  /** Test helper: how many handlers listen to an event. */
  listenerCount(name: string): number {
    return this._handlers.get(name)?.length ?? 0;
  }
}

export class Component {
  _loaded = false;
  private _children: Component[] = [];
  private _cleanups: Array<() => unknown> = [];

  load(): void {
    if (this._loaded) return;
    this._loaded = true;
    this.onload();
    for (const c of [...this._children]) c.load();
  }

  onload(): void {}

  unload(): void {
    if (!this._loaded) return;
    this._loaded = false;
    while (this._children.length) this._children.pop()?.unload();
    while (this._cleanups.length) {
      const cb = this._cleanups.pop();
      try {
        cb?.();
      } catch (e) {
        console.error(e);
      }
    }
    this.onunload();
  }

  onunload(): void {}

  addChild<T extends Component>(component: T): T {
    this._children.push(component);
    if (this._loaded) component.load();
    return component;
  }

  removeChild<T extends Component>(component: T): T {
    const i = this._children.indexOf(component);
    if (i >= 0) {
      this._children.splice(i, 1);
      component.unload();
    }
    return component;
  }

  register(cb: () => unknown): void {
    this._cleanups.push(cb);
  }

  registerEvent(ref: EventRef): void {
    this.register(() => ref.e.offref(ref));
  }

  registerDomEvent(el: EventTarget, type: string, callback: (ev: Event) => unknown, options?: boolean | AddEventListenerOptions): void {
    el.addEventListener(type, callback, options);
    this.register(() => el.removeEventListener(type, callback, options));
  }

  registerInterval(id: number): number {
    this.register(() => clearInterval(id));
    return id;
  }

  /** Test helper. */
  get loaded(): boolean {
    return this._loaded;
  }

  /** Test helper. */
  get children(): readonly Component[] {
    return this._children;
  }
}

// ---- files -----------------------------------------------------------------------------------------

export abstract class TAbstractFile {
  vault: unknown;
  path = '';
  name = '';
  parent: TFolder | null = null;
}

export class TFile extends TAbstractFile {
  basename = '';
  extension = '';
  stat = { ctime: 0, mtime: 0, size: 0 };
}

export class TFolder extends TAbstractFile {
  children: TAbstractFile[] = [];
  isRoot(): boolean {
    return this.path === '/' || this.path === '';
  }
}

// ---- keymap ---------------------------------------------------------------------------------------

export type PaneType = 'tab' | 'split' | 'window';

export class Keymap {
  static isModifier(evt: MouseEvent | KeyboardEvent, modifier: string): boolean {
    if (modifier === 'Mod') return evt.ctrlKey || evt.metaKey;
    if (modifier === 'Shift') return evt.shiftKey;
    if (modifier === 'Alt') return evt.altKey;
    if (modifier === 'Ctrl') return evt.ctrlKey;
    if (modifier === 'Meta') return evt.metaKey;
    return false;
  }

  /** Mod-click: new tab; Mod+Alt: split; Mod+Alt+Shift: window; middle click: tab. */
  static isModEvent(evt?: MouseEvent | KeyboardEvent | null): PaneType | boolean {
    if (!evt) return false;
    const mod = evt.ctrlKey || evt.metaKey;
    if (mod && evt.altKey && evt.shiftKey) return 'window';
    if (mod && evt.altKey) return 'split';
    if (mod) return 'tab';
    if ('button' in evt && evt.button === 1) return 'tab';
    return false;
  }
}

export class Scope {
  register(): unknown {
    return {};
  }
  unregister(): void {}
}

// ---- notices, modals, settings --------------------------------------------------------------------

export class Notice {
  /** Test helper: every message shown, oldest first. */
  static shown: string[] = [];
  noticeEl: HTMLElement;
  messageEl: HTMLElement;

  constructor(message: string | DocumentFragment, _duration?: number) {
    this.noticeEl = createDiv({ cls: 'notice' });
    this.messageEl = this.noticeEl.createDiv({ cls: 'notice-message' });
    this.setMessage(message);
  }

  setMessage(message: string | DocumentFragment): this {
    this.messageEl.setText(message);
    Notice.shown.push(this.messageEl.textContent ?? '');
    return this;
  }

  hide(): void {
    this.noticeEl.remove();
  }
}

export class Modal {
  app: FakeApp;
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  scope = new Scope();
  shouldRestoreSelection = false;

  constructor(app: FakeApp) {
    this.app = app;
    this.containerEl = createDiv({ cls: 'modal-container' });
    this.modalEl = this.containerEl.createDiv({ cls: 'modal' });
    this.titleEl = this.modalEl.createDiv({ cls: 'modal-title' });
    this.contentEl = this.modalEl.createDiv({ cls: 'modal-content' });
  }

  open(): void {
    document.body.appendChild(this.containerEl);
    this.onOpen();
  }

  close(): void {
    this.onClose();
    this.containerEl.remove();
  }

  setTitle(title: string): this {
    this.titleEl.setText(title);
    return this;
  }

  setContent(content: string | DocumentFragment): this {
    this.contentEl.setText(content);
    return this;
  }

  onOpen(): void {}
  onClose(): void {}
}

export interface FuzzyMatch<T> {
  item: T;
  match: { score: number; matches: Array<[number, number]> };
}

/** A modal with a text input and a list of suggestions; `chooseIndex` picks one (tests). */
export abstract class SuggestModal<T> extends Modal {
  inputEl: HTMLInputElement;
  resultContainerEl: HTMLElement;
  limit = 100;
  emptyStateText = 'No results found.';
  private shown: T[] = [];

  constructor(app: FakeApp) {
    super(app);
    this.inputEl = this.modalEl.createEl('input', { cls: 'prompt-input', type: 'text' });
    this.resultContainerEl = this.modalEl.createDiv({ cls: 'prompt-results' });
    this.inputEl.addEventListener('input', () => this.refresh());
  }

  setPlaceholder(placeholder: string): void {
    this.inputEl.setAttribute('placeholder', placeholder);
  }

  setInstructions(): void {}

  override onOpen(): void {
    this.refresh();
  }

  private refresh(): void {
    this.shown = this.getSuggestions(this.inputEl.value).slice(0, this.limit);
    this.resultContainerEl.empty();
    if (!this.shown.length) this.resultContainerEl.createDiv({ cls: 'suggestion-empty', text: this.emptyStateText });
    this.shown.forEach((item, i) => {
      const el = this.resultContainerEl.createDiv({ cls: 'suggestion-item' });
      this.renderSuggestion(item, el);
      el.addEventListener('click', (ev) => this.chooseIndex(i, ev));
    });
  }

  /** Test helper: choose the i-th suggestion shown. */
  chooseIndex(i: number, ev: MouseEvent | KeyboardEvent = new MouseEvent('click')): void {
    const item = this.shown[i];
    if (item === undefined) return;
    this.close();
    this.onChooseSuggestion(item, ev);
  }

  abstract getSuggestions(query: string): T[];
  abstract renderSuggestion(value: T, el: HTMLElement): void;
  abstract onChooseSuggestion(item: T, evt: MouseEvent | KeyboardEvent): void;
}

/** Items matched by a case-insensitive substring of their text (Obsidian's is a fuzzy match). */
export abstract class FuzzySuggestModal<T> extends SuggestModal<FuzzyMatch<T>> {
  getSuggestions(query: string): Array<FuzzyMatch<T>> {
    const q = query.toLowerCase();
    return this.getItems()
      .filter((item) => this.getItemText(item).toLowerCase().includes(q))
      .map((item) => ({ item, match: { score: 0, matches: [] } }));
  }

  renderSuggestion(value: FuzzyMatch<T>, el: HTMLElement): void {
    el.setText(this.getItemText(value.item));
  }

  onChooseSuggestion(value: FuzzyMatch<T>, evt: MouseEvent | KeyboardEvent): void {
    this.onChooseItem(value.item, evt);
  }

  abstract getItems(): T[];
  abstract getItemText(item: T): string;
  abstract onChooseItem(item: T, evt: MouseEvent | KeyboardEvent): void;
}

abstract class BaseComponent {
  disabled = false;
  then(cb: (c: this) => unknown): this {
    cb(this);
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.disabled = disabled;
    return this;
  }
}

abstract class ValueComponent<T> extends BaseComponent {
  abstract getValue(): T;
  abstract setValue(value: T): this;
  registerOptionListener(): this {
    return this;
  }
}

export class AbstractTextComponent<E extends HTMLInputElement | HTMLTextAreaElement> extends ValueComponent<string> {
  private changeCb: ((value: string) => unknown) | null = null;
  constructor(public inputEl: E) {
    super();
    inputEl.addEventListener('input', () => void this.changeCb?.(inputEl.value));
  }
  getValue(): string {
    return this.inputEl.value;
  }
  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }
  setPlaceholder(placeholder: string): this {
    this.inputEl.setAttribute('placeholder', placeholder);
    return this;
  }
  onChange(cb: (value: string) => unknown): this {
    this.changeCb = cb;
    return this;
  }
  onChanged(): void {
    void this.changeCb?.(this.inputEl.value);
  }
}

export class TextComponent extends AbstractTextComponent<HTMLInputElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('input', { type: 'text' }));
  }
}

export class TextAreaComponent extends AbstractTextComponent<HTMLTextAreaElement> {
  constructor(containerEl: HTMLElement) {
    super(containerEl.createEl('textarea'));
  }
}

export class ToggleComponent extends ValueComponent<boolean> {
  toggleEl: HTMLElement;
  private value = false;
  private changeCb: ((value: boolean) => unknown) | null = null;
  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createDiv({ cls: 'checkbox-container', attr: { role: 'switch', tabindex: 0, 'aria-checked': 'false' } });
    this.toggleEl.addEventListener('click', () => this.onClick());
  }
  getValue(): boolean {
    return this.value;
  }
  setValue(on: boolean): this {
    this.value = on;
    this.toggleEl.classList.toggle('is-enabled', on);
    this.toggleEl.setAttribute('aria-checked', String(on));
    return this;
  }
  setTooltip(tooltip: string): this {
    this.toggleEl.setAttribute('aria-label', tooltip);
    return this;
  }
  onClick(): void {
    this.setValue(!this.value);
    void this.changeCb?.(this.value);
  }
  onChange(cb: (value: boolean) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class DropdownComponent extends ValueComponent<string> {
  selectEl: HTMLSelectElement;
  private changeCb: ((value: string) => unknown) | null = null;
  constructor(containerEl: HTMLElement) {
    super();
    this.selectEl = containerEl.createEl('select', { cls: 'dropdown' });
    this.selectEl.addEventListener('change', () => void this.changeCb?.(this.selectEl.value));
  }
  addOption(value: string, display: string): this {
    this.selectEl.createEl('option', { text: display, attr: { value } });
    return this;
  }
  addOptions(options: Record<string, string>): this {
    for (const [v, d] of Object.entries(options)) this.addOption(v, d);
    return this;
  }
  getValue(): string {
    return this.selectEl.value;
  }
  setValue(value: string): this {
    this.selectEl.value = value;
    return this;
  }
  onChange(cb: (value: string) => unknown): this {
    this.changeCb = cb;
    return this;
  }
}

export class ButtonComponent extends BaseComponent {
  buttonEl: HTMLButtonElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.buttonEl = containerEl.createEl('button');
  }
  setButtonText(name: string): this {
    this.buttonEl.setText(name);
    return this;
  }
  setIcon(icon: string): this {
    setIcon(this.buttonEl, icon);
    return this;
  }
  setTooltip(tooltip: string): this {
    this.buttonEl.setAttribute('aria-label', tooltip);
    return this;
  }
  setCta(): this {
    this.buttonEl.classList.add('mod-cta');
    return this;
  }
  setWarning(): this {
    this.buttonEl.classList.add('mod-warning');
    return this;
  }
  onClick(cb: (evt: MouseEvent) => unknown): this {
    this.buttonEl.addEventListener('click', (ev) => void cb(ev));
    return this;
  }
}

export class ExtraButtonComponent extends ButtonComponent {}

export class Setting {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;
  components: BaseComponent[] = [];

  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv({ cls: 'setting-item' });
    this.infoEl = this.settingEl.createDiv({ cls: 'setting-item-info' });
    this.nameEl = this.infoEl.createDiv({ cls: 'setting-item-name' });
    this.descEl = this.infoEl.createDiv({ cls: 'setting-item-description' });
    this.controlEl = this.settingEl.createDiv({ cls: 'setting-item-control' });
  }

  setName(name: string | DocumentFragment): this {
    this.nameEl.setText(name);
    return this;
  }
  setDesc(desc: string | DocumentFragment): this {
    this.descEl.setText(desc);
    return this;
  }
  setClass(cls: string): this {
    this.settingEl.classList.add(cls);
    return this;
  }
  setTooltip(tooltip: string): this {
    this.nameEl.setAttribute('aria-label', tooltip);
    return this;
  }
  setHeading(): this {
    this.settingEl.classList.add('setting-item-heading');
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.settingEl.classList.toggle('is-disabled', disabled);
    return this;
  }
  private add<C extends BaseComponent>(c: C, cb: (c: C) => unknown): this {
    this.components.push(c);
    cb(c);
    return this;
  }
  addText(cb: (c: TextComponent) => unknown): this {
    return this.add(new TextComponent(this.controlEl), cb);
  }
  addTextArea(cb: (c: TextAreaComponent) => unknown): this {
    return this.add(new TextAreaComponent(this.controlEl), cb);
  }
  addToggle(cb: (c: ToggleComponent) => unknown): this {
    return this.add(new ToggleComponent(this.controlEl), cb);
  }
  addDropdown(cb: (c: DropdownComponent) => unknown): this {
    return this.add(new DropdownComponent(this.controlEl), cb);
  }
  addButton(cb: (c: ButtonComponent) => unknown): this {
    return this.add(new ButtonComponent(this.controlEl), cb);
  }
  addExtraButton(cb: (c: ExtraButtonComponent) => unknown): this {
    return this.add(new ExtraButtonComponent(this.controlEl), cb);
  }
  then(cb: (s: this) => unknown): this {
    cb(this);
    return this;
  }
}

export abstract class SettingTab {
  app: FakeApp;
  containerEl: HTMLElement;
  icon = '';
  constructor(app: FakeApp) {
    this.app = app;
    this.containerEl = createDiv({ cls: 'vertical-tab-content' });
  }
  abstract display(): void;
  hide(): void {
    this.containerEl.empty();
  }
}

export abstract class PluginSettingTab extends SettingTab {
  plugin: Plugin;
  constructor(app: FakeApp, plugin: Plugin) {
    super(app);
    this.plugin = plugin;
  }
}

// ---- markdown rendering -------------------------------------------------------------------------------

export interface MarkdownPostProcessorContext {
  docId: string;
  sourcePath: string;
  frontmatter: unknown;
  addChild(child: MarkdownRenderChild): void;
  getSectionInfo(el: HTMLElement): null;
}

type CodeBlockHandler = (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<unknown> | void;

export class MarkdownPreviewRenderer {
  /** Private in Obsidian (typed in obsidian-typings): one processor per language. */
  static codeBlockPostProcessors: Record<string, CodeBlockHandler> = {};

  static registerCodeBlockPostProcessor(language: string, handler: CodeBlockHandler): void {
    if (Object.prototype.hasOwnProperty.call(MarkdownPreviewRenderer.codeBlockPostProcessors, language)) {
      throw new Error(`Code block postprocessor for language ${language} is already registered`);
    }
    MarkdownPreviewRenderer.codeBlockPostProcessors[language] = handler;
  }

  static unregisterCodeBlockPostProcessor(language: string): void {
    delete MarkdownPreviewRenderer.codeBlockPostProcessors[language];
  }

  static registerPostProcessor(): void {}
  static unregisterPostProcessor(): void {}
}

export class MarkdownRenderChild extends Component {
  containerEl: HTMLElement;
  constructor(containerEl: HTMLElement) {
    super();
    this.containerEl = containerEl;
  }
}

export class MarkdownRenderer {
  /** Minimal: the markdown as a paragraph of text (enough for glue tests). */
  static render(_app: FakeApp, markdown: string, el: HTMLElement, _sourcePath: string, _component: Component): Promise<void> {
    el.createEl('p', { text: markdown });
    return Promise.resolve();
  }
}

// ---- workspace items and views -------------------------------------------------------------------

export interface ViewState {
  type: string;
  state?: Record<string, unknown>;
  active?: boolean;
  pinned?: boolean;
}

export abstract class View extends Component {
  app: FakeApp;
  icon = '';
  navigation = false;
  leaf: WorkspaceLeaf;
  containerEl: HTMLElement;
  scope: Scope | null = null;

  constructor(leaf: WorkspaceLeaf) {
    super();
    this.leaf = leaf;
    this.app = leaf.app;
    this.containerEl = createDiv({ cls: 'workspace-leaf-content' });
  }

  protected onOpen(): Promise<void> {
    return Promise.resolve();
  }
  protected onClose(): Promise<void> {
    return Promise.resolve();
  }
  /** Stand-in for Obsidian's internal open/close (the leaf calls these). */
  async _open(parent: HTMLElement): Promise<void> {
    this.containerEl.setAttribute('data-type', this.getViewType());
    parent.appendChild(this.containerEl);
    this.load();
    await this.onOpen();
  }
  async _close(): Promise<void> {
    await this.onClose();
    this.unload();
    this.containerEl.remove();
  }
  abstract getViewType(): string;
  abstract getDisplayText(): string;
  getState(): Record<string, unknown> {
    return {};
  }
  setState(_state: unknown, _result: unknown): Promise<void> {
    return Promise.resolve();
  }
  getEphemeralState(): Record<string, unknown> {
    return {};
  }
  setEphemeralState(): void {}
  getIcon(): string {
    return this.icon;
  }
  onResize(): void {}
  onPaneMenu(): void {}
}

export abstract class ItemView extends View {
  contentEl: HTMLElement;
  headerEl: HTMLElement;
  actionsEl: HTMLElement;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.headerEl = this.containerEl.createDiv({ cls: 'view-header' });
    this.headerEl.createDiv({ cls: 'view-header-title' });
    this.actionsEl = this.headerEl.createDiv({ cls: 'view-actions' });
    this.contentEl = this.containerEl.createDiv({ cls: 'view-content' });
  }

  override async _open(parent: HTMLElement): Promise<void> {
    this.headerEl.querySelector('.view-header-title')?.setText(this.getDisplayText());
    await super._open(parent);
  }

  addAction(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const a = this.actionsEl.createEl('a', { cls: 'view-action clickable-icon', attr: { 'aria-label': title, href: '#' } });
    setIcon(a, icon);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      void callback(ev);
    });
    return a;
  }
}

export abstract class FileView extends ItemView {
  file: TFile | null = null;
  allowNoFile = false;
  override navigation = true;
}

export class MarkdownView extends FileView {
  editor: FakeEditor | null = null;
  getViewType(): string {
    return 'markdown';
  }
  getDisplayText(): string {
    return this.file?.basename ?? '';
  }
  getViewData(): string {
    return '';
  }
  getMode(): 'source' | 'preview' {
    return 'preview';
  }
}

export class WorkspaceLeaf extends Events {
  app: FakeApp;
  view: View;
  containerEl: HTMLElement;
  hoverPopover: null = null;
  /** Which part of the workspace holds the leaf. */
  side: 'main' | 'left' | 'right';
  /** Test helper: the view states this leaf has been given. */
  history: ViewState[] = [];

  constructor(app: FakeApp, side: 'main' | 'left' | 'right') {
    super();
    this.app = app;
    this.side = side;
    this.containerEl = createDiv({ cls: 'workspace-leaf' });
    this.view = new EmptyView(this);
  }

  getViewState(): ViewState {
    return { type: this.view.getViewType(), state: this.view.getState() };
  }

  async setViewState(state: ViewState): Promise<void> {
    this.history.push(state);
    await this.view._close();
    const creator = this.app._viewCreator(state.type);
    this.view = creator ? creator(this) : new EmptyView(this);
    await this.view._open(this.containerEl);
    if (state.state) await this.view.setState(state.state, {});
    if (state.active) this.app.workspace.setActiveLeaf(this);
    this.app.workspace.trigger('layout-change');
  }

  async openFile(file: TFile, openState?: { active?: boolean }): Promise<void> {
    await this.setViewState({ type: 'markdown', state: { file: file.path }, ...(openState?.active ? { active: true } : {}) });
  }

  async open(view: View): Promise<View> {
    await this.view._close();
    this.view = view;
    await view._open(this.containerEl);
    return view;
  }

  get isDeferred(): boolean {
    return false;
  }

  loadIfDeferred(): Promise<void> {
    return Promise.resolve();
  }

  getDisplayText(): string {
    return this.view.getDisplayText();
  }

  getIcon(): string {
    return this.view.getIcon();
  }

  setPinned(): void {}
  togglePinned(): void {}
  setGroup(): void {}
  setGroupMember(): void {}
  onResize(): void {}
  getEphemeralState(): unknown {
    return {};
  }
  setEphemeralState(): void {}

  detach(): void {
    void this.view._close();
    this.containerEl.remove();
    this.app.workspace._removeLeaf(this);
  }
}

class EmptyView extends ItemView {
  getViewType(): string {
    return 'empty';
  }
  getDisplayText(): string {
    return 'New tab';
  }
}

// ---- plugins ------------------------------------------------------------------------------------------

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  minAppVersion?: string;
  description?: string;
  author?: string;
  isDesktopOnly?: boolean;
  dir?: string;
}

export interface Command {
  id: string;
  name: string;
  icon?: string;
  hotkeys?: unknown[];
  callback?: () => unknown;
  checkCallback?: (checking: boolean) => boolean | void;
  editorCallback?: (editor: unknown, ctx: unknown) => unknown;
  editorCheckCallback?: (checking: boolean, editor: unknown, ctx: unknown) => boolean | void;
}

export interface HoverLinkSource {
  display: string;
  defaultMod: boolean;
}

export abstract class Plugin extends Component {
  app: FakeApp;
  manifest: PluginManifest;

  constructor(app: FakeApp, manifest: PluginManifest) {
    super();
    this.app = app;
    this.manifest = manifest;
  }

  /** Stand-in for Obsidian's plugin loading, which awaits an async onload (children load as they are added). */
  async _loadAsync(): Promise<void> {
    if (this._loaded) return;
    this._loaded = true;
    await (this.onload() as unknown);
  }

  onUserEnable(): void {}

  addRibbonIcon(icon: string, title: string, callback: (evt: MouseEvent) => unknown): HTMLElement {
    const el = this.app.workspace.ribbonEl.createDiv({ cls: 'side-dock-ribbon-action clickable-icon', attr: { 'aria-label': title } });
    setIcon(el, icon);
    el.addEventListener('click', (ev) => void callback(ev));
    this.register(() => el.remove());
    return el;
  }

  addStatusBarItem(): HTMLElement {
    const el = createDiv({ cls: 'status-bar-item' });
    this.register(() => el.remove());
    return el;
  }

  addCommand(command: Command): Command {
    const full = { ...command, id: `${this.manifest.id}:${command.id}`, name: `${this.manifest.name}: ${command.name}` };
    this.app.commands._add(full, command);
    this.register(() => this.app.commands._remove(full.id));
    return full;
  }

  removeCommand(commandId: string): void {
    this.app.commands._remove(`${this.manifest.id}:${commandId}`);
  }

  addSettingTab(tab: PluginSettingTab): void {
    this.app.setting._add(this.manifest.id, tab);
    this.register(() => this.app.setting._remove(this.manifest.id));
  }

  registerView(type: string, creator: (leaf: WorkspaceLeaf) => View): void {
    this.app._registerView(type, creator);
    this.register(() => this.app._unregisterView(type));
  }

  registerHoverLinkSource(id: string, info: HoverLinkSource): void {
    this.app._hoverLinkSources.set(id, info);
    this.register(() => this.app._hoverLinkSources.delete(id));
  }

  registerExtensions(): void {}

  registerMarkdownPostProcessor<T>(postProcessor: T): T {
    return postProcessor;
  }

  /** Like Obsidian: throws "Code block postprocessor for language X is already registered" on a duplicate. */
  registerMarkdownCodeBlockProcessor(language: string, handler: CodeBlockHandler): (el: HTMLElement, ctx: MarkdownPostProcessorContext) => void {
    MarkdownPreviewRenderer.registerCodeBlockPostProcessor(language, handler);
    this.register(() => MarkdownPreviewRenderer.unregisterCodeBlockPostProcessor(language));
    return () => {};
  }

  registerEditorExtension(): void {}
  registerObsidianProtocolHandler(): void {}
  registerEditorSuggest(): void {}

  loadData(): Promise<unknown> {
    return Promise.resolve(this.app._pluginData.get(this.manifest.id) ?? null);
  }

  saveData(data: unknown): Promise<void> {
    this.app._pluginData.set(this.manifest.id, JSON.parse(JSON.stringify(data)));
    return Promise.resolve();
  }
}

