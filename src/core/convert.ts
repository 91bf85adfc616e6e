/**
 * "Convert queries to coverage blocks": rewrites the ```dataview and ```query blocks of a note that
 * stand for one technique's rules or tests into ```attack-coverage blocks. Pure (no IO): the CLI's
 * `migrate` and the plugin's commands both plan with it and apply `result` as one whole-file edit.
 *
 * Guarantees, each covered by test/convert:
 * - only the fenced blocks that translate change; every other byte of the note (line endings, callout
 *   markers, trailing newline, the closing fence line) stays as it was;
 * - the opening fence keeps its character, length, indentation and blockquote/callout prefix, and every
 *   new line gets the same prefix, so the block stays inside its callout or list item;
 * - converting twice changes nothing: coverage blocks are never converted again.
 */
import { parseCoverageBlock } from './coverage-block';
import type { CoverageIndex } from './coverage-index';
import { idFromTag, type TechniqueId } from './ids';
import { findCodeBlocks, findFrontmatter } from './markdown';
import { lineAt } from './markdown/position';
import { parseQueryBlock, toCoverageSpec, type ParsedQuery, type RoleHints, type Section, type SourceExpr } from './queries';

export const CONVERTIBLE_LANGUAGES = ['dataview', 'query'] as const;
export const TARGET_LANGUAGE = 'attack-coverage';

export interface PlannedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's language: `dataview` or `query`. */
  language: string;
  /** The whole block as it stands, fence lines and prefixes included (line breaks as in the note). */
  before: string;
  /** The coverage block that replaces it, or null when it is left as it is. */
  after: string | null;
  /** Why the block is left as it is. */
  reason?: string;
  technique?: TechniqueId;
  section?: Section;
  /** Offsets of `before` in the planned text: [start, end). */
  start: number;
  end: number;
}

export interface ConversionPlan {
  blocks: PlannedBlock[];
  changed: boolean;
  result: string;
}

export interface ConvertOptions {
  index: CoverageIndex;
  /** The note's path (for messages and the note's own technique). */
  path: string;
  hints: RoleHints;
  /**
   * Optional veto over each convertible block (e.g. "was it in the preview the user confirmed?"):
   * `true` converts it, a string leaves it as it is with that reason.
   */
  accept?: (block: PlannedBlock) => true | string;
}

/** The panel's row limit when a block sets none (read from the block parser, not repeated here). */
const DEFAULT_LIMIT = parseCoverageBlock('', () => ({})).block.limit;

type Leaf = { op: 'folder'; path: string } | { op: 'tag'; tag: string };

function leaves(e: SourceExpr): Leaf[] | null {
  if (e.op === 'and') {
    const l = leaves(e.left);
    const r = leaves(e.right);
    return l && r ? [...l, ...r] : null;
  }
  if (e.op === 'folder' || e.op === 'tag') return [e];
  return null;
}

const norm = (s: string): string => s.toLowerCase().replace(/\/+$/, '');

/**
 * Why a supported query does not stand for one technique's rules or tests. Mirrors toCoverageSpec's
 * rules, and adds one it lacks: a query that mixes rule and test sources is left alone.
 */
function whyNot(q: Extract<ParsedQuery, { supported: true }>, hints: RoleHints): string | null {
  let parts: Leaf[];
  if (q.kind === 'dataview') {
    const l = leaves(q.source);
    if (!l) return 'OR and NOT sources select more than one technique\'s rules or tests';
    parts = l;
  } else parts = q.tags.map((tag) => ({ op: 'tag' as const, tag }));
  const techniques = new Set<TechniqueId>();
  const sections = new Set<Section>();
  const ruleTags = hints.ruleTags.map(norm);
  const testTags = hints.testTags.map(norm);
  const ruleFolders = hints.ruleFolders.map(norm);
  const testFolders = hints.testFolders.map(norm);
  for (const p of parts) {
    if (p.op === 'tag') {
      const id = idFromTag(p.tag);
      if (id) techniques.add(id);
      else if (ruleTags.includes(p.tag.toLowerCase())) sections.add('rules');
      else if (testTags.includes(p.tag.toLowerCase())) sections.add('tests');
      else return `#${p.tag} is neither a technique tag nor a rule or test role tag`;
    } else {
      // The path as Dataview looks it up: with a trailing slash it names no folder.
      const f = p.path.toLowerCase();
      if (ruleFolders.includes(f)) sections.add('rules');
      else if (testFolders.includes(f)) sections.add('tests');
      else return `"${p.path}" is not a rule or test folder${f.endsWith('/') ? ' (Dataview lists nothing from a path ending in "/")' : ''}`;
    }
  }
  if (techniques.size === 0) return 'the query names no technique';
  if (techniques.size > 1) return `the query names ${techniques.size} techniques (${[...techniques].join(', ')})`;
  if (sections.size === 0) return 'the query names no rule or test folder or role tag';
  if (sections.size > 1) return 'the query mixes rule and test sources';
  return null;
}

function translate(language: string, content: string, hints: RoleHints): { technique: TechniqueId; section: Section } | { reason: string } {
  const q = parseQueryBlock(language, content);
  if (!q.supported) return { reason: q.reason };
  const spec = toCoverageSpec(q, hints);
  const why = whyNot(q, hints);
  const section = spec?.show[0];
  if (!spec || !spec.technique || !section || spec.show.length !== 1 || why) {
    return { reason: why ?? 'the query does not select one technique\'s rules or tests' };
  }
  return { technique: spec.technique, section };
}

/**
 * The block's YAML lines. A rules panel lists DEFAULT_LIMIT rows unless told otherwise, whereas the
 * query listed every row; when the technique has more rules than that, the block raises its limit to
 * the next hundred so that the panel still lists every rule the query did.
 */
function blockLines(language: string, content: string, technique: TechniqueId, section: Section, index: CoverageIndex): string[] {
  const lines = [`# converted from ${language}: ${content.replace(/\s+/g, ' ').trim()}`, `technique: ${technique}`, `show: [${section}]`];
  if (section === 'rules') {
    const cov = index.technique(technique, { rollUp: true });
    const total = cov.rules.length + cov.rolledUpRules.length;
    if (total > DEFAULT_LIMIT) lines.push(`limit: ${Math.ceil(total / 100) * 100}`);
  }
  return lines;
}

export function planConversion(text: string, opts: ConvertOptions): ConversionPlan {
  const fm = findFrontmatter(text);
  const blocks: PlannedBlock[] = [];
  const pieces: string[] = [];
  let copied = 0; // text before this offset is already in `pieces`
  for (const b of findCodeBlocks(text, fm ? fm.bodyStart : 0)) {
    if (!(CONVERTIBLE_LANGUAGES as readonly string[]).includes(b.lang)) continue;
    const fenceStart = b.start.offset;
    const lineStart = text.lastIndexOf('\n', fenceStart - 1) + 1;
    const open = lineAt(text, lineStart);
    // A block closed by its own fence ends after that fence; one cut off by the end of the file or of its
    // callout ends on its last content line, before contentEnd.
    const closed = b.end.offset > b.contentEnd;
    const close = closed ? lineAt(text, b.contentEnd) : null;
    const end = close ? close.end : b.end.offset;
    const planned: PlannedBlock = {
      line: b.start.line + 1,
      language: b.lang,
      before: text.slice(lineStart, end),
      after: null,
      start: lineStart,
      end,
    };
    blocks.push(planned);
    if (!close) {
      planned.reason = 'the block has no closing fence';
      continue;
    }
    const t = translate(b.lang, b.content, opts.hints);
    if ('reason' in t) {
      planned.reason = t.reason;
      continue;
    }
    const prefix = text.slice(lineStart, fenceStart);
    let fenceLen = 0;
    while (text[fenceStart + fenceLen] === text[fenceStart]) fenceLen++;
    const fence = text.slice(fenceStart, fenceStart + fenceLen);
    const eol = text.slice(open.end, open.next);
    const body = blockLines(b.lang, b.content, t.technique, t.section, opts.index)
      .map((l) => prefix + l + eol)
      .join('');
    planned.after = prefix + fence + TARGET_LANGUAGE + eol + body + text.slice(close.start, close.end);
    planned.technique = t.technique;
    planned.section = t.section;
    const verdict = opts.accept ? opts.accept(planned) : true;
    if (verdict !== true) {
      planned.after = null;
      planned.reason = verdict;
      delete planned.technique;
      delete planned.section;
      continue;
    }
    pieces.push(text.slice(copied, lineStart), planned.after);
    copied = end;
  }
  if (copied === 0) return { blocks, changed: false, result: text };
  pieces.push(text.slice(copied));
  const result = pieces.join('');
  return { blocks, changed: result !== text, result };
}

/** Totals over many plans, for the preview and the CLI summary. */
export function summarise(plans: Iterable<ConversionPlan>): { notes: number; blocks: number; unsupported: number } {
  let notes = 0;
  let blocks = 0;
  let unsupported = 0;
  for (const p of plans) {
    const n = p.blocks.filter((b) => b.after !== null).length;
    if (p.changed) notes++;
    blocks += n;
    unsupported += p.blocks.length - n;
  }
  return { notes, blocks, unsupported };
}
