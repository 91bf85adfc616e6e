/**
 * The subset of Obsidian's `CachedMetadata` the engine reads. The plugin passes Obsidian's own cache;
 * the CLI builds the same shape from file text (see `markdown/`), tested against recordings of real Obsidian.
 * Kept structural so that core never imports `obsidian` at run time.
 */
export interface Loc {
  line: number;
  col: number;
  offset: number;
}
export interface Pos {
  start: Loc;
  end: Loc;
}
export interface TagCacheLike {
  tag: string; // with leading '#', as in the note
  position: Pos;
}
export interface LinkCacheLike {
  link: string;
  original: string;
  displayText?: string;
  position: Pos;
}
export interface FrontmatterLinkLike {
  key: string;
  link: string;
  original: string;
  displayText?: string;
}
export interface HeadingCacheLike {
  heading: string;
  level: number;
  position: Pos;
}
export interface SectionCacheLike {
  type: string; // 'yaml' | 'heading' | 'paragraph' | 'code' | 'list' | 'callout' | ...
  position: Pos;
}
export interface MetadataLike {
  frontmatter?: Record<string, unknown> | null;
  frontmatterPosition?: Pos;
  frontmatterLinks?: FrontmatterLinkLike[];
  tags?: TagCacheLike[];
  links?: LinkCacheLike[];
  embeds?: LinkCacheLike[];
  headings?: HeadingCacheLike[];
  sections?: SectionCacheLike[];
}

/** The part of a note's metadata the coverage index reads; `MetadataLike` (and Obsidian's cache) hold all of it. */
export interface IndexMetadata {
  frontmatter?: Record<string, unknown> | null;
  tags?: ReadonlyArray<{ tag: string }>;
  headings?: ReadonlyArray<{ heading: string; level: number }>;
}

/**
 * What the engine is given for one note: its vault path, its metadata and, when read, its text. The
 * index itself needs only `IndexMetadata`; readers that keep the note for other commands give all of it.
 */
export interface NoteSource<M extends IndexMetadata = MetadataLike> {
  path: string;
  cache: M | null;
  /** The file's text. The plugin reads it only for notes whose body the engine needs (rules, tests, query blocks). */
  text?: string;
  /** Fenced code blocks of `text`, when the reader already found them (saves a second scan). */
  codeBlocks?: ReadonlyArray<{ lang: string; content: string; start: Loc }>;
  /** Problems found while reading (e.g. broken YAML), carried into the index's diagnostics. */
  readProblems?: string[];
}
