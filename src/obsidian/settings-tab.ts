/**
 * Settings → ATT&CK Coverage. Every change is saved and applied at once: role changes re-classify the
 * indexed notes (no re-reading), column changes redraw the open panels.
 *
 * The rows are described once, in `getSettingDefinitions()`. Obsidian 1.13 and later renders them itself
 * and lists them in its settings search, reading and writing values through `getControlValue` and
 * `setControlValue`. Older versions call `display()`, which draws the same rows with `Setting`, so the
 * two can never drift apart.
 */
import {
  PluginSettingTab,
  Setting,
  debounce,
  type App,
  type Debouncer,
  type Plugin,
  type SettingDefinitionItem,
  type SettingGroupItem,
} from 'obsidian';
import { isValidTagBody } from '../core/markdown';
import { RULE_COLUMNS, RULE_COLUMN_LABELS, type RuleColumn } from '../ui/panel-model';
import type { CoverageContext } from './context';
import { parseList, type PluginSettings } from './settings';

type ListKey = 'techniqueFolders' | 'ruleFolders' | 'testFolders' | 'techniqueTags' | 'ruleTags' | 'testTags' | 'ignoreFolders';
type ToggleKey = 'rollUp' | 'dataviewTakeover';
/** A rule-table column's toggle: one key per column over the single `ruleColumns` list. */
type ColumnKey = `column:${RuleColumn}`;
type ControlKey = ListKey | ToggleKey | ColumnKey;

const LISTS: Array<{ key: ListKey; name: string; desc: string; kind: 'folder' | 'tag' }> = [
  { key: 'techniqueFolders', kind: 'folder', name: 'Technique folders', desc: 'Notes here that carry a technique ID are technique notes.' },
  { key: 'ruleFolders', kind: 'folder', name: 'Rule folders', desc: 'Notes here are detection rules.' },
  { key: 'testFolders', kind: 'folder', name: 'Test folders', desc: 'Notes here are atomic test notes.' },
  { key: 'techniqueTags', kind: 'tag', name: 'Technique tags', desc: 'A note with one of these tags and a technique ID is a technique note.' },
  { key: 'ruleTags', kind: 'tag', name: 'Rule tags', desc: 'A note with one of these tags is a detection rule.' },
  { key: 'testTags', kind: 'tag', name: 'Test tags', desc: 'A note with one of these tags is an atomic test note.' },
  { key: 'ignoreFolders', kind: 'folder', name: 'Ignored folders', desc: 'Notes here are never indexed.' },
];

const FOLDER_HELP = 'One per line. A name without "/" matches a folder of that name anywhere; with "/" it is a path from the vault root.';
const TAG_HELP = 'One per line, without "#". Nested tags match on their last part.';
/** Typing into a list re-classifies the whole vault: wait for a pause. */
const LIST_COMMIT_MS = 400;

const columnKey = (col: RuleColumn): ColumnKey => `column:${col}`;
const validatorOf = (item: (typeof LISTS)[number]): ((text: string) => string | undefined) =>
  item.kind === 'tag' ? tagListProblem : (text) => folderListProblem(text, item.key === 'ignoreFolders');
const listOf = (key: string): (typeof LISTS)[number] | undefined => LISTS.find((l) => l.key === key);
const columnOf = (key: string): RuleColumn | undefined => RULE_COLUMNS.find((c) => columnKey(c) === key);

/** Why a role-tag list cannot be used as typed, or undefined. Such a tag could never match a note. */
export function tagListProblem(text: string): string | undefined {
  const bad = parseList(text, 'tag').find((t) => !isValidTagBody(t));
  return bad === undefined ? undefined : `"${bad}" is not a tag: use letters, digits, _, - and /, without spaces.`;
}

/**
 * Why a folder list cannot be used as typed, or undefined. A folder that does not exist yet is fine (it
 * may be created later, or arrive by Sync); what is refused could never hold an indexed note. Ignoring a
 * hidden folder (the default `.trash`) is harmless, so `hiddenOk` lets it pass.
 */
export function folderListProblem(text: string, hiddenOk = false): string | undefined {
  for (const f of parseList(text, 'folder')) {
    const parts = f.split('/');
    if (parts.some((p) => p === '.' || p === '..')) return `"${f}" is not a folder path: write it from the vault root, without "." or "..".`;
    // Obsidian allows no ":" in a name: this is a path on the disk (C:\Vault\Rules), not in the vault.
    if (f.includes(':')) return `"${f}" is a path on the disk: write the folder's path from the vault root.`;
    if (!hiddenOk && parts.some((p) => p.startsWith('.'))) return `"${f}" is hidden: Obsidian does not index folders whose name starts with ".".`;
    if (f.includes('*')) return `"${f}" is a pattern: write the folder's name; the folders inside it are included.`;
  }
  return undefined;
}

export class CoverageSettingTab extends PluginSettingTab {
  /** List text typed but not yet committed, so that reading a row back shows what was typed. */
  private readonly typed = new Map<ListKey, string>();
  private readonly commits = new Map<ListKey, Debouncer<[string], void>>();

  /** Saves under way from this tab: their change events must not redraw the row being typed in. */
  private saving = 0;

  constructor(
    app: App,
    plugin: Plugin,
    private readonly ctx: CoverageContext,
  ) {
    super(app, plugin);
    plugin.register(ctx.onSettingsChange(() => this.showOutsideChange()));
  }

  /** Settings changed elsewhere (Sync, another device) while the tab is open: show the new values. */
  private showOutsideChange(): void {
    if (this.saving > 0 || !this.containerEl.isConnected) return;
    // The rows now show the new values: what was typed and not yet saved must not overwrite them later.
    for (const commit of this.commits.values()) commit.cancel();
    this.typed.clear();
    // Obsidian 1.13 re-reads its controls on update(); before that, the tab draws itself.
    const update = (this as unknown as { update?: () => void }).update;
    if (typeof update === 'function') update.call(this);
    else this.draw();
  }

  override getSettingDefinitions(): SettingDefinitionItem<ControlKey>[] {
    return [
      {
        type: 'group',
        items: [
          {
            name: 'Roll up sub-techniques',
            desc: "A parent technique's coverage also lists its sub-techniques' rules and tests, marked with the sub-technique.",
            aliases: ['sub-technique', 'parent technique'],
            control: { type: 'toggle', key: 'rollUp' },
          },
          {
            name: 'Render dataview blocks',
            desc: 'When the Dataview plugin is not enabled, show dataview blocks that list the rules or tests of a technique as coverage panels, and other queries as text.',
            aliases: ['Dataview', 'query', 'code block'],
            control: { type: 'toggle', key: 'dataviewTakeover' },
          },
        ],
      },
      {
        type: 'group',
        heading: 'Rule table',
        items: RULE_COLUMNS.map((col) => ({
          name: `${RULE_COLUMN_LABELS[col]} column`,
          aliases: ['rule table', 'columns'],
          control: { type: 'toggle', key: columnKey(col) },
        })),
      },
      {
        type: 'group',
        heading: 'Note roles',
        items: LISTS.map((item) => ({
          name: item.name,
          desc: `${item.desc} ${item.kind === 'folder' ? FOLDER_HELP : TAG_HELP}`,
          aliases: ['roles', item.kind === 'folder' ? 'folders' : 'tags'],
          control: { type: 'textarea', key: item.key, rows: 3, validate: validatorOf(item) },
        })),
      },
      {
        type: 'group',
        items: [
          {
            name: 'Rebuild index',
            desc: 'Read every note again. Needed only if notes changed outside Obsidian while it was running.',
            aliases: ['re-index', 'refresh'],
            render: (setting: Setting) => this.rebuildButton(setting),
          },
        ],
      },
    ];
  }

  override getControlValue(key: string): unknown {
    const s = this.ctx.settings;
    const list = listOf(key);
    if (list) return this.typed.get(list.key) ?? s[list.key].join('\n');
    const col = columnOf(key);
    if (col) return s.ruleColumns.includes(col);
    if (key === 'rollUp' || key === 'dataviewTakeover') return s[key];
    return undefined;
  }

  override setControlValue(key: string, value: unknown): Promise<void> {
    const list = listOf(key);
    if (list && typeof value === 'string') {
      this.typed.set(list.key, value);
      this.commitFor(list)(value);
      return Promise.resolve();
    }
    const col = columnOf(key);
    if (col && typeof value === 'boolean') {
      const cur = this.ctx.settings.ruleColumns;
      // Kept in the table's own order, whatever order the toggles were flipped in.
      return this.save({ ruleColumns: RULE_COLUMNS.filter((c) => (c === col ? value : cur.includes(c))) });
    }
    if ((key === 'rollUp' || key === 'dataviewTakeover') && typeof value === 'boolean') return this.save({ [key]: value });
    return Promise.resolve();
  }

  /** Obsidian before 1.13: the same rows, drawn here. */
  override display(): void {
    this.draw();
  }

  private draw(): void {
    const { containerEl } = this;
    containerEl.empty();
    for (const item of this.getSettingDefinitions()) {
      if (!('type' in item)) this.drawRow(item);
      else if (item.type === 'group' || item.type === 'list') {
        if (item.heading) new Setting(containerEl).setName(item.heading).setHeading();
        for (const row of item.items ?? []) this.drawRow(row);
      }
    }
  }

  override hide(): void {
    // Leaving the tab commits what was typed instead of waiting for the pause.
    for (const commit of this.commits.values()) commit.run();
    super.hide();
  }

  private drawRow(row: SettingGroupItem<ControlKey>): void {
    if ('type' in row) return; // sub-pages: none here
    const setting = new Setting(this.containerEl).setName(row.name);
    if (row.desc) setting.setDesc(row.desc);
    if (row.render) {
      // Our render callbacks never use the group: it is a 1.13 class that older versions do not have.
      row.render(setting, undefined as never);
      return;
    }
    const control = row.control;
    if (!control) return;
    if (control.type === 'toggle') {
      setting.addToggle((t) => t.setValue(this.getControlValue(control.key) === true).onChange((v) => this.setControlValue(control.key, v)));
    } else if (control.type === 'textarea') {
      const problem = setting.descEl.createDiv({ cls: 'attack-coverage-setting-problem' });
      const check = (v: string): void => {
        const why = control.validate?.(v);
        problem.setText(typeof why === 'string' ? why : '');
      };
      setting.addTextArea((t) => {
        const value = this.getControlValue(control.key);
        const start = typeof value === 'string' ? value : '';
        t.setValue(start).onChange((v) => {
          check(v);
          // As in Obsidian 1.13: a value that fails validation is shown, not saved.
          if (!control.validate?.(v)) void this.setControlValue(control.key, v);
        });
        check(start);
        if (control.rows) t.inputEl.rows = control.rows;
        t.inputEl.addEventListener('blur', () => this.commits.get(control.key as ListKey)?.run());
      });
    }
  }

  private rebuildButton(setting: Setting): void {
    setting.addButton((b) =>
      b.setButtonText('Rebuild').onClick(async () => {
        b.setDisabled(true);
        await this.ctx.indexer.rebuild();
        b.setDisabled(false);
      }),
    );
  }

  private commitFor(list: (typeof LISTS)[number]): Debouncer<[string], void> {
    let commit = this.commits.get(list.key);
    if (!commit) {
      commit = debounce(
        (text: string) => {
          this.typed.delete(list.key);
          void this.save({ [list.key]: parseList(text, list.kind) });
        },
        LIST_COMMIT_MS,
        true,
      );
      this.commits.set(list.key, commit);
    }
    return commit;
  }

  private save(patch: Partial<PluginSettings>): Promise<void> {
    // The context applies the change (and tells its listeners) before it starts writing data.json.
    this.saving++;
    try {
      return this.ctx.update(patch);
    } finally {
      this.saving--;
    }
  }
}
