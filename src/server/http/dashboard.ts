/**
 * The dashboard served at GET /: one self-contained page assembled from the asset files in
 * dashboard/ (page.html, page.css, and the typed page.ts the build compiles to page.js). The CSS
 * and the script are inlined, so the page is one response that needs nothing from elsewhere, and
 * its Content-Security-Policy allows exactly those two inline blocks, by their SHA-256 hashes.
 * Assembled once, on first use; synchronous file reads, then a cached string.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardPage {
  html: string;
  /** The header to send with `html`. */
  contentSecurityPolicy: string;
}

/**
 * Where the assets are: beside this module in the build (dist/server/http/dashboard/). Run from
 * source (vitest imports the .ts), this module has no compiled page.js beside it, so it takes the
 * build's copies too: the page is always the one `npm run build` made.
 */
export const ASSET_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../../dist/server/http/dashboard/' : './dashboard/', import.meta.url));

/** The comment in page.html that a file's text replaces. */
const slot = (file: string): string => `<!-- inline: ${file} -->`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function read(dir: string, file: string): string {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch (err) {
    throw new Error(`the dashboard's ${file} is missing from ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}): run \`npm run build\``, { cause: err });
  }
}

/** Inlines `text` into `html` at its slot; throws if the slot is missing or the text would end its element early. */
function inline(html: string, file: string, open: string, close: string, text: string): string {
  if (!html.includes(slot(file))) throw new Error(`page.html has no ${slot(file)} slot`);
  if (text.toLowerCase().includes(close.slice(0, -1))) throw new Error(`${file} contains ${close}, which would end its inline element`);
  return html.replace(slot(file), () => `${open}${text}${close}`);
}

/** The page from the asset files in `dir`, with a policy that admits its inline style and script and nothing else. */
export function assembleDashboard(dir: string): DashboardPage {
  const css = read(dir, 'page.css');
  const script = read(dir, 'page.js');
  let html = read(dir, 'page.html');
  html = inline(html, 'page.css', '<style>', '</style>', css);
  html = inline(html, 'page.js', '<script type="module">', '</script>', script);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'", // the API and the WebSocket feed
    "img-src 'self' data:", // the inline icon
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

let cached: DashboardPage | undefined;

/** The page from ASSET_DIR, assembled on the first call. */
export function dashboardPage(): DashboardPage {
  cached ??= assembleDashboard(ASSET_DIR);
  return cached;
}
