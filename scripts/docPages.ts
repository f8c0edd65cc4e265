/**
 * Vite plugin: the user-facing guides in docs/ as pages of the app (docs/<name>.html), so the app can
 * link to them offline and under its CSP. Markdown is rendered at build time (marked, a dev
 * dependency); links between the guides point at their .html pages.
 */
import { readFileSync } from 'node:fs';
import { marked } from 'marked';
import type { Plugin } from 'vite';

export const DOC_PAGES = ['make-a-real-pack', 'sd-export', 'evaluate-at-scale'] as const;

const CSS = `body{font:16px/1.55 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1c2230}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #c9cfda;padding:.3rem .6rem;text-align:left}
code,pre{background:#f1f3f7;border-radius:4px}pre{padding:.8rem;overflow-x:auto}code{padding:.1rem .25rem}
a{color:#2454b8}h1,h2{line-height:1.25}`;

function render(name: string): string {
  const md = readFileSync(new URL(`../docs/${name}.md`, import.meta.url), 'utf8');
  const pages = new Set<string>(DOC_PAGES);
  const html = (marked.parse(md) as string).replace(/href="([\w-]+)\.md"/g, (all, page: string) =>
    pages.has(page) ? `href="${page}.html"` : all,
  );
  const title = /^# (.+)$/m.exec(md)?.[1] ?? name;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title} · wsol-lab</title><link rel="icon" href="data:,"><link rel="stylesheet" href="docs.css"></head>
<body><p><a href="../">← back to the app</a></p>${html}</body></html>`;
}

export function docPages(): Plugin {
  return {
    name: 'wsol-doc-pages',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/docs\/([\w-]+)\.(html|css)$/.exec(req.url ?? '');
        if (!m) return next();
        if (m[2] === 'css') return res.setHeader('Content-Type', 'text/css').end(CSS);
        if (!(DOC_PAGES as readonly string[]).includes(m[1]!)) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8').end(render(m[1]!));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'docs/docs.css', source: CSS });
      for (const name of DOC_PAGES) this.emitFile({ type: 'asset', fileName: `docs/${name}.html`, source: render(name) });
    },
  };
}
