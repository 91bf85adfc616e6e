/**
 * One note, read once into plain facts: tags under both Obsidian's and Dataview's rules, the technique
 * IDs it carries and how, rule metadata, atomic test count and diagnostics. Everything the index needs
 * afterwards comes from these facts, so an update costs the work of one note.
 */
import {
  idFromAlias,
  idFromFileName,
  idFromPathOrUrl,
  idFromTag,
  looksLikeMalformedId,
  type TechniqueId,
} from './ids';
import { dataviewTags, findCodeBlocks, frontmatterTagBodies, isValidTagBody, type CodeBlock } from './markdown';
import type { IndexMetadata, NoteSource } from './metadata';
import {
  embeddedRuleFacts,
  looksLikeRuleFrontmatter,
  mergeRuleMeta,
  ruleMetaFromFrontmatter,
  type RuleMeta,
  type YamlParser,
} from './rules';
import { basenameOf, folderOf } from './settings';

export type Severity = 'error' | 'warning' | 'info';
/** Severities in order, for "this severe or worse". */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

export interface Diagnostic {
  path: string;
  severity: Severity;
  message: string;
}

export interface NoteFacts {
  path: string;
  basename: string;
  folder: string;
  frontmatter: Record<string, unknown> | null;
  /** Obsidian's tags (frontmatter then body), without `#`, de-duplicated case-insensitively. */
  tags: string[];
  /** Dataview's reading of the same note (splits `tags: a, b`; any-case `tags`/`tag` keys). */
  dataviewTags: string[];
  aliases: readonly string[];
  /** The note's own technique ID when it describes one (aliases → file name → url → ID tag). */
  ownId: TechniqueId | null;
  /** Every technique named in tags (either reading) and frontmatter technique lists. */
  taggedIds: TechniqueId[];
  /** Frontmatter and embedded rule metadata; null when nothing rule-like was found. */
  rule: RuleMeta | null;
  ruleLike: boolean;
  /** `## Atomic Test #N` headings. */
  atomicTests: number;
  /** First heading, else the file name. */
  title: string;
  diagnostics: Diagnostic[];
}

export interface AnalyzeEnv {
  parseYaml: YamlParser;
}

const NONE: readonly string[] = Object.freeze([]);

/** A frontmatter-style value as its strings: one string, or the strings of a list; nothing else. */
export function stringValues(v: unknown): readonly string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return NONE;
}

const ID_LIST_KEYS = ['techniques', 'mitre_attack_id', 'attack_ids'];
const OWN_ID_KEYS = ['url', 'mitre-attack', 'external_id', 'technique_id', 'id'];

/** Tags from both lists, first spelling kept, compared case-insensitively, without a leading `#`. */
function dedupeCaseless(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  // Notes usually carry a handful of tags: then pairwise comparison (lengths first) beats hashing
  // lower-cased copies. Many tags: a set, so a note with thousands of tags stays linear.
  const keys: Set<string> | null = a.length + b.length > 16 ? new Set() : null;
  const seen = (t: string): boolean => {
    if (keys) {
      const k = t.toLowerCase();
      return keys.has(k) || (keys.add(k), false);
    }
    return out.some((o) => o.length === t.length && (o === t || o.toLowerCase() === t.toLowerCase()));
  };
  for (const list of [a, b]) {
    for (const raw of list) {
      const t = raw.charCodeAt(0) === 35 ? raw.slice(1) : raw; // '#'
      if (!seen(t)) out.push(t);
    }
  }
  return out;
}

/** Own ID by the precedence of domain.md §1.2: aliases, file name, `url`/`mitre-attack`, then ID tags. */
function ownTechniqueId(fm: Record<string, unknown>, basename: string, tagIds: TechniqueId[]): TechniqueId | null {
  for (const list of [stringValues(fm.aliases), stringValues(fm.alias)]) {
    for (const a of list) {
      const id = idFromAlias(a);
      if (id) return id;
    }
  }
  // Cheap test first: only names starting with T and a digit, or ending in one, can carry an ID.
  if (/^T\d|\d$/i.test(basename)) {
    const fromName = idFromFileName(basename);
    if (fromName) return fromName;
  }
  for (const key of OWN_ID_KEYS) {
    if (fm[key] === undefined) continue;
    for (const v of stringValues(fm[key])) {
      const id = idFromPathOrUrl(v) ?? idFromAlias(v);
      if (id) return id;
    }
  }
  return tagIds.length === 1 ? (tagIds[0] as TechniqueId) : null;
}

/** `tags:` absent or a list of strings Obsidian accepts whole, under no other tag key. */
function plainTagList(fm: Record<string, unknown>): boolean {
  for (const key in fm) {
    if (key.length > 4 || !/^tags?$/i.test(key)) continue;
    if (key !== 'tags') return false;
    const v = fm[key];
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v)) return false;
    for (const x of v) if (typeof x !== 'string' || !isValidTagBody(x.replace(/^#/, ''))) return false;
  }
  return true;
}

const RULE_LANGS = new Set(['yml', 'yaml', 'sigma', 'toml']);
const ATOMIC_HEADING = /^\s*Atomic Test #\d+/i;
const MAX_BODY_FOR_RULES = 2_000_000;

/**
 * `s` as a string of its own. Engines keep a substring as a view into the whole text it was cut from, so a
 * rule title read from a 4 KB note would keep all 4 KB alive for as long as the index holds the title:
 * after a scan of a 20 MB vault, 18 MB of note text stayed reachable that way. Facts taken from a note's
 * text go through this; those from parsed frontmatter are cut from the small YAML block only.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function ownRule(r: RuleMeta): RuleMeta {
  return {
    ...r,
    title: own(r.title),
    vendor: own(r.vendor),
    status: own(r.status),
    level: own(r.level),
    product: own(r.product),
    service: own(r.service),
    category: own(r.category),
    ruleId: own(r.ruleId),
  };
}

export function analyzeNote(source: NoteSource<IndexMetadata>, env: AnalyzeEnv): NoteFacts {
  const { path } = source;
  // Only a note read from its text can hand out views into it; Obsidian's cache holds strings of its own.
  const fromText = source.text === undefined ? (s: string): string => s : own;
  const diagnostics: Diagnostic[] = source.readProblems?.length ? source.readProblems.map((message) => ({ path, severity: 'error', message })) : [];
  const warn = (message: string, severity: Severity = 'warning'): void => {
    diagnostics.push({ path, severity, message: fromText(message) });
  };
  const cache = source.cache ?? {};
  const rawFm = cache.frontmatter;
  const fm: Record<string, unknown> = rawFm && typeof rawFm === 'object' && !Array.isArray(rawFm) ? rawFm : {};
  const basename = basenameOf(path);

  const bodyTags = cache.tags ? cache.tags.map((t) => fromText(t.tag.replace(/^#/, ''))) : NONE;
  const fmTags = frontmatterTagBodies(fm) ?? NONE;
  const tags = dedupeCaseless(fmTags, bodyTags);
  // Dataview reads the same tags as Obsidian unless the frontmatter has something Obsidian rejects:
  // then (and only then) read it Dataview's way. The shared array lets the index store one copy.
  const dvTags = plainTagList(fm) ? tags : dataviewTags(fm, bodyTags);
  if (dvTags.length > tags.length) {
    warn('Dataview and Obsidian read this note\'s tags differently (e.g. a one-line "tags: a, b"); Dataview-style blocks follow Dataview', 'info');
  }
  for (const key of ['tags', 'tag']) {
    const v = fm[key];
    if (v !== undefined && v !== null && typeof v !== 'string' && !Array.isArray(v)) {
      warn(`frontmatter "${key}" is a ${typeof v}, not a list of tags; it is ignored`);
    }
  }

  const taggedIds: TechniqueId[] = [];
  for (const t of dvTags === tags ? tags : dedupeCaseless(tags, dvTags)) {
    const id = idFromTag(t);
    if (id) taggedIds.push(id);
    else if (/\d/.test(t) && looksLikeMalformedId(t.slice(t.lastIndexOf('/') + 1))) warn(`tag "${t}" looks like a technique ID but is malformed`);
  }
  for (const key of ID_LIST_KEYS) {
    if (fm[key] === undefined) continue;
    for (const v of stringValues(fm[key])) {
      const id = idFromTag(v);
      if (id) taggedIds.push(id);
      else if (looksLikeMalformedId(v)) warn(`"${key}: ${v}" looks like a technique ID but is malformed`);
    }
  }

  const aliases = fm.aliases === undefined && fm.alias === undefined ? NONE : [...stringValues(fm.aliases), ...stringValues(fm.alias)];
  const ownId = ownTechniqueId(fm, basename, taggedIds);

  // Rule metadata: frontmatter first, then the embedded original rule (needs the body).
  const ruleLike = looksLikeRuleFrontmatter(fm);
  let rule: RuleMeta | null = null;
  let blocks: Array<Pick<CodeBlock, 'lang' | 'content' | 'start'>> = [];
  if (source.text !== undefined && source.text.length <= MAX_BODY_FOR_RULES) {
    blocks = (source.codeBlocks ?? findCodeBlocks(source.text)).filter((b) => RULE_LANGS.has(b.lang));
  } else if (source.text !== undefined) {
    warn(`note is ${(source.text.length / 1e6).toFixed(1)} MB; embedded rules in it are not read`, 'info');
  }
  const embedded = blocks.length ? embeddedRuleFacts(blocks, env.parseYaml) : { facts: null };
  if (embedded.problem) warn(embedded.problem);
  for (const m of embedded.facts?.malformedIds ?? []) warn(`the embedded rule names "${m}", which looks like a technique ID but is malformed`);
  if (ruleLike || embedded.facts) rule = mergeRuleMeta(ruleMetaFromFrontmatter(fm), embedded.facts);
  // Only the embedded rule is read from the note's text; frontmatter values are not views into it.
  if (rule && embedded.facts) rule = ownRule(rule);

  const headings = cache.headings ?? [];
  let atomicTests = 0;
  for (const h of headings) if (h.level === 2 && ATOMIC_HEADING.test(h.heading)) atomicTests++;
  const title = fromText((rule?.title || headings[0]?.heading || basename).trim());

  return {
    path,
    basename,
    folder: folderOf(path),
    frontmatter: rawFm && typeof rawFm === 'object' && !Array.isArray(rawFm) ? fm : null,
    tags,
    dataviewTags: dvTags,
    aliases,
    ownId,
    taggedIds: rule?.techniques.length || taggedIds.length > 1 ? [...new Set([...taggedIds, ...(rule?.techniques ?? [])])] : taggedIds,
    rule,
    ruleLike: ruleLike || embedded.facts !== null,
    atomicTests,
    title,
    diagnostics,
  };
}

/** The same note at another path: folder, file name and (file-name-derived) ID follow; nothing is re-read. */
export function rebaseFacts(facts: NoteFacts, newPath: string): NoteFacts {
  const basename = basenameOf(newPath);
  return {
    ...facts,
    path: newPath,
    basename,
    folder: folderOf(newPath),
    ownId: ownTechniqueId(facts.frontmatter ?? {}, basename, facts.taggedIds),
    title: facts.title === facts.basename ? basename : facts.title,
    diagnostics: facts.diagnostics.map((d) => ({ ...d, path: newPath })),
  };
}
