/**
 * Links of a report written without a vault name are vault-relative URLs: each must lead back to its
 * note's path, whatever characters the name holds (`#` and `?` end a URL's path).
 */
import { reportLinks } from '../../src/ui/report';

test('vault-relative links resolve to the note they name', () => {
  const links = reportLinks();
  for (const path of ['Detection Rules/C# loader?.md', 'Use Cases/T1059 - 50% [draft] ünïcode.md', 'a b/c&d=e;f.md']) {
    const url = new URL(links.href(path), 'file:///vault/');
    expect(url.hash).toBe('');
    expect(url.search).toBe('');
    expect(decodeURIComponent(url.pathname)).toBe(`/vault/${path}`);
  }
});
