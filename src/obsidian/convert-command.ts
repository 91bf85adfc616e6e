/**
 * The commands "Convert queries to coverage blocks in this note / in the vault": plan every note with the
 * core converter, show the plan (notes, blocks, each block before and after, as text), and on confirmation
 * edit each note with one `Vault.process` call that plans again against the note's current text, so an
 * edit made meanwhile is kept and a block changed since the preview is left as it is.
 */
import { Modal, Notice, Setting, TFile, type App, type Plugin } from 'obsidian';
import { planConversion, summarise, type ConversionPlan, type PlannedBlock } from '../core/convert';
import type { CoverageIndex } from '../core/coverage-index';
import { plural } from '../core/words';

export interface NotePlan {
  file: TFile;
  plan: ConversionPlan;
}

export interface ApplySummary {
  notes: number;
  blocks: number;
  /** Blocks in the preview that were no longer in the note as previewed. */
  changedSincePreview: number;
  /** Notes that could not be edited (deleted, renamed, read-only). */
  failed: string[];
}

/** Notes are read a batch at a time, yielding to the UI in between. */
const BATCH = 200;
/** Cheap pre-filter: a note without these words has no block to convert. */
const MAY_HAVE_QUERY = /dataview|query/i;

function plan(index: CoverageIndex, file: TFile, text: string, accept?: (b: PlannedBlock) => true | string): ConversionPlan {
  return planConversion(text, { index, path: file.path, hints: index.roleSettings, ...(accept ? { accept } : {}) });
}

export async function planNotes(app: App, files: TFile[], index: CoverageIndex): Promise<NotePlan[]> {
  const plans: NotePlan[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    for (const file of files.slice(i, i + BATCH)) {
      let text: string;
      try {
        text = await app.vault.cachedRead(file);
      } catch (e) {
        // Deleted since the file list was taken, or unreadable: nothing to convert there; go on with the rest.
        console.warn(`ATT&CK coverage: cannot read ${file.path}`, e);
        continue;
      }
      if (!MAY_HAVE_QUERY.test(text)) continue;
      const p = plan(index, file, text);
      if (p.blocks.length) plans.push({ file, plan: p });
    }
    if (i + BATCH < files.length) await new Promise((r) => window.setTimeout(r, 0));
  }
  return plans.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}

/** Applies the previewed conversions, each note in one atomic `Vault.process`. */
export async function applyPlans(app: App, plans: NotePlan[], getIndex: () => CoverageIndex): Promise<ApplySummary> {
  const summary: ApplySummary = { notes: 0, blocks: 0, changedSincePreview: 0, failed: [] };
  for (const { file, plan: previewed } of plans) {
    const expected = previewed.blocks.filter((b) => b.after !== null).map((b) => b.before);
    if (!expected.length) continue;
    let converted = 0;
    try {
      await app.vault.process(file, (current) => {
        const remaining = [...expected];
        const next = plan(getIndex(), file, current, (b) => {
          const i = remaining.indexOf(b.before);
          if (i < 0) return 'changed since the preview';
          remaining.splice(i, 1);
          return true;
        });
        converted = next.blocks.filter((b) => b.after !== null).length;
        return next.result;
      });
    } catch (e) {
      console.error(`ATT&CK coverage: cannot convert ${file.path}`, e);
      summary.failed.push(file.path);
      continue;
    }
    if (converted) summary.notes++;
    summary.blocks += converted;
    summary.changedSincePreview += expected.length - converted;
  }
  return summary;
}


/** "3 blocks … left as they are" / "1 block … left as it is". */
function leftAsIs(n: number): string {
  return n === 1 ? 'left as it is' : 'left as they are';
}

export function summaryText(s: ApplySummary): string {
  const parts = [`Converted ${plural(s.blocks, 'block')} in ${plural(s.notes, 'note')}.`];
  if (s.changedSincePreview) {
    parts.push(`${plural(s.changedSincePreview, 'block')} changed since the preview and ${s.changedSincePreview === 1 ? 'was' : 'were'} ${leftAsIs(s.changedSincePreview)}.`);
  }
  if (s.failed.length) parts.push(`${plural(s.failed.length, 'note')} could not be edited: ${s.failed.join(', ')}.`);
  return parts.join(' ');
}

/** The preview: every block that will change, before and after, and the blocks left as they are. */
export class ConvertPreviewModal extends Modal {
  constructor(
    app: App,
    private readonly plans: NotePlan[],
    private readonly onConfirm: () => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { notes, blocks, unsupported } = summarise(this.plans.map((p) => p.plan));
    this.setTitle('Convert queries to coverage blocks');
    const el = this.contentEl;
    el.empty();
    el.addClass('attack-coverage-convert');
    el.createEl('p', {
      text: `${plural(notes, 'note')}, ${plural(blocks, 'block')} will be converted. ${plural(unsupported, 'block')} will be ${leftAsIs(unsupported)}.`,
    });
    for (const { file, plan: p } of this.plans) {
      const converted = p.blocks.filter((b) => b.after !== null);
      if (!converted.length) continue;
      const note = el.createEl('details', { cls: 'attack-coverage-convert-note' });
      note.open = this.plans.length <= 3;
      note.createEl('summary', { text: `${file.path} (${plural(converted.length, 'block')})` });
      for (const b of converted) {
        note.createDiv({ cls: 'attack-coverage-muted', text: `Line ${b.line}: ${b.language} → ${b.technique ?? ''} ${b.section ?? ''}` });
        note.createDiv({ text: 'Before' });
        note.createEl('pre', { cls: 'attack-coverage-convert-before', text: b.before.replace(/\r\n/g, '\n') });
        note.createDiv({ text: 'After' });
        note.createEl('pre', { cls: 'attack-coverage-convert-after', text: (b.after ?? '').replace(/\r\n/g, '\n') });
      }
    }
    const left = this.plans.flatMap(({ file, plan: p }) => p.blocks.filter((b) => b.after === null).map((b) => ({ file, b })));
    if (left.length) {
      const box = el.createEl('details', { cls: 'attack-coverage-convert-left' });
      box.createEl('summary', { text: `Left as they are (${left.length})` });
      const list = box.createEl('ul');
      for (const { file, b } of left) list.createEl('li', { text: `${file.path}, line ${b.line}: ${b.reason ?? ''}` });
    }
    new Setting(el)
      .addButton((btn) => btn.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((btn) =>
        btn
          .setButtonText(blocks ? `Convert ${plural(blocks, 'block')}` : 'Nothing to convert')
          .setCta()
          .setDisabled(blocks === 0)
          .onClick(() => {
            this.close();
            this.onConfirm();
          }),
      );
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

async function convert(plugin: Plugin, files: TFile[], getIndex: () => CoverageIndex, scope: string): Promise<void> {
  const { app } = plugin;
  const plans = await planNotes(app, files, getIndex());
  const { blocks, unsupported } = summarise(plans.map((p) => p.plan));
  if (!blocks) {
    new Notice(unsupported ? `No query ${scope} can be converted (${plural(unsupported, 'block')} ${leftAsIs(unsupported)}).` : `No queries ${scope}.`);
    return;
  }
  new ConvertPreviewModal(app, plans, () => {
    void applyPlans(app, plans, getIndex).then((s) => new Notice(summaryText(s)));
  }).open();
}

export function registerConvertCommands(plugin: Plugin, getIndex: () => CoverageIndex): void {
  plugin.addCommand({
    id: 'convert-queries-in-note',
    name: 'Convert queries to coverage blocks in this note',
    checkCallback: (checking) => {
      const file = plugin.app.workspace.getActiveFile();
      if (!(file instanceof TFile) || file.extension !== 'md') return false;
      if (!checking) void convert(plugin, [file], getIndex, 'in this note');
      return true;
    },
  });
  plugin.addCommand({
    id: 'convert-queries-in-vault',
    name: 'Convert queries to coverage blocks in the vault',
    callback: () => void convert(plugin, plugin.app.vault.getMarkdownFiles(), getIndex, 'in the vault'),
  });
}
