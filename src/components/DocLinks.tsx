/**
 * Text that may name a guide as "docs/<page>.md" (e.g. a method's unavailable reason, which is a
 * plain string from the registry): each such mention becomes a link to the page the app serves
 * (scripts/docPages.ts renders docs/<page>.md to docs/<page>.html at build time).
 */
import { Fragment } from 'react';

const DOC_MENTION = /docs\/([\w-]+)\.md/g;
const TITLES: Record<string, string> = { 'make-a-real-pack': 'Make a real pack' };

export function DocLinks({ text }: { text: string }) {
  // Pieces keyed by their offset in the text: stable for a given text.
  const pieces: Array<{ at: number; text: string; page?: string }> = [];
  let last = 0;
  for (const m of text.matchAll(DOC_MENTION)) {
    if (m.index > last) pieces.push({ at: last, text: text.slice(last, m.index) });
    pieces.push({ at: m.index, text: m[0], page: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push({ at: last, text: text.slice(last) });
  return (
    <>
      {pieces.map((p) =>
        p.page === undefined ? (
          <Fragment key={p.at}>{p.text}</Fragment>
        ) : (
          <a key={p.at} href={`docs/${p.page}.html`} target="_blank" rel="noopener" data-testid={`doc-link-${p.page}`}>
            {TITLES[p.page] ?? p.page}
          </a>
        ),
      )}
    </>
  );
}
