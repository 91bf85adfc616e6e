/**
 * Settings → ATT&CK Coverage. Every change is saved and applied at once: role changes re-classify the
 * indexed notes (no re-reading), column changes redraw the open panels.
 */
import { PluginSettingTab, Setting, debounce, type App, type Plugin } from 'obsidian';
import { RULE_COLUMNS, RULE_COLUMN_LABELS, type RuleColumn } from '../ui/panel-model';
import type { CoverageContext } from './context';
import { parseList, type PluginSettings } from './settings';

type ListKey = 'techniqueFolders' | 'ruleFolders' | 'testFolders' | 'techniqueTags' | 'ruleTags' | 'testTags' | 'ignoreFolders';

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

export class CoverageSettingTab extends PluginSettingTab {
  constructor(
    app: App,
    plugin: Plugin,
    private readonly ctx: CoverageContext,
  ) {
    super(app, plugin);
  }

  private save(patch: Partial<PluginSettings>): Promise<void> {
    return this.ctx.update(patch);
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const s = this.ctx.settings;

    new Setting(containerEl)
      .setName('Roll up sub-techniques')
      .setDesc("A parent technique's coverage also lists its sub-techniques' rules and tests, marked with the sub-technique.")
      .addToggle((t) => t.setValue(s.rollUp).onChange((v) => this.save({ rollUp: v })));

    new Setting(containerEl)
      .setName('Render dataview blocks')
      .setDesc('When the Dataview plugin is not enabled, show dataview blocks that list the rules or tests of a technique as coverage panels, and other queries as text.')
      .addToggle((t) => t.setValue(s.dataviewTakeover).onChange((v) => this.save({ dataviewTakeover: v })));

    new Setting(containerEl).setName('Rule table').setHeading();
    for (const col of RULE_COLUMNS) {
      new Setting(containerEl)
        .setName(`${RULE_COLUMN_LABELS[col]} column`)
        .addToggle((t) =>
          t.setValue(this.ctx.settings.ruleColumns.includes(col)).onChange((on) => {
            const cur = this.ctx.settings.ruleColumns;
            const next: RuleColumn[] = RULE_COLUMNS.filter((c) => (c === col ? on : cur.includes(c)));
            return this.save({ ruleColumns: next });
          }),
        );
    }

    new Setting(containerEl).setName('Note roles').setHeading();
    for (const item of LISTS) {
      // Typing re-classifies the vault: wait for a pause.
      const commit = debounce((value: string) => void this.save({ [item.key]: parseList(value, item.kind) }), 400, true);
      new Setting(containerEl)
        .setName(item.name)
        .setDesc(`${item.desc} ${item.kind === 'folder' ? FOLDER_HELP : TAG_HELP}`)
        .addTextArea((t) => {
          t.setValue(s[item.key].join('\n')).onChange((v) => commit(v));
          t.inputEl.rows = 3;
          t.inputEl.addEventListener('blur', () => commit.run());
        });
    }

    new Setting(containerEl)
      .setName('Rebuild index')
      .setDesc('Read every note again. Needed only if notes changed outside Obsidian while it was running.')
      .addButton((b) =>
        b.setButtonText('Rebuild').onClick(async () => {
          b.setDisabled(true);
          await this.ctx.indexer.rebuild();
          b.setDisabled(false);
        }),
      );
  }
}
