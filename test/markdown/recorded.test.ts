/**
 * readMarkdown against recordings of real Obsidian (test/fixtures/obsidian-recorded, from obsidian-tasks).
 * Every recording must be reproduced field by field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { getAllTags, parseFrontMatterTags, readMarkdown } from '../../src/core/markdown';
import type { Pos } from '../../src/core/metadata';
import { readFrontmatter } from '../../src/cli/frontmatter';

interface RecordedLink {
  link: string;
  original: string;
  displayText?: string;
  position: Pos;
}
interface Recording {
  fileContents: string;
  filePath: string;
  getAllTags: string[] | null;
  parseFrontMatterTags: string[] | null;
  cachedMetadata: {
    frontmatter?: Record<string, unknown>;
    frontmatterPosition?: Pos;
    frontmatterLinks?: { key: string; link: string; original: string; displayText?: string }[];
    tags?: { tag: string; position: Pos }[];
    links?: RecordedLink[];
    embeds?: RecordedLink[];
    headings?: { heading: string; level: number; position: Pos }[];
    sections?: { type: string; position: Pos }[];
  };
}

const dir = path.join(__dirname, '../fixtures/obsidian-recorded');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const load = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Recording;

const linkView = (l: RecordedLink) => ({ link: l.link, original: l.original, displayText: l.displayText, position: l.position });

test('all recordings are present', () => {
  expect(files.length).toBeGreaterThanOrEqual(39);
});

describe.each(files)('%s', (file) => {
  const rec = load(file);
  const cm = rec.cachedMetadata;
  const { cache, problems } = readMarkdown(rec.fileContents, readFrontmatter);

  test('reads without problems', () => expect(problems).toEqual([]));
  test('frontmatter', () => expect(cache.frontmatter ?? null).toEqual(cm.frontmatter ?? null));
  test('frontmatterPosition', () => expect(cache.frontmatterPosition).toEqual(cm.frontmatterPosition));
  test('frontmatterLinks', () => expect(cache.frontmatterLinks).toEqual(cm.frontmatterLinks));
  test('parseFrontMatterTags', () => expect(parseFrontMatterTags(cache.frontmatter)).toEqual(rec.parseFrontMatterTags));
  test('getAllTags', () => expect(getAllTags(cache)).toEqual(rec.getAllTags ?? []));
  test('body tags with positions', () => expect(cache.tags).toEqual(cm.tags));
  test('links with positions', () => expect(cache.links?.map(linkView)).toEqual(cm.links?.map(linkView)));
  test('embeds with positions', () => expect(cache.embeds?.map(linkView)).toEqual(cm.embeds?.map(linkView)));
  test('headings', () => expect(cache.headings).toEqual(cm.headings));
  test('sections (type and position)', () => {
    expect(cache.sections).toEqual(cm.sections?.map((s) => ({ type: s.type, position: s.position })));
  });
});
