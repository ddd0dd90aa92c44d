/**
 * Lets a worker_thread run this repository's TypeScript sources, as vitest runs the main thread:
 * the lsm engine starts its background thread from `compaction-thread.ts` when it runs from
 * src/ (tests) and from the compiled `.js` in dist/ otherwise. Registered in the worker with
 * `--import ts-worker-register.mjs` (src/engines/lsm/compaction/thread-client.ts). Resolve: a `./x.js` import from
 * a `.ts` module that has no `x.js` beside it means `x.ts`. Load: `.ts` is transpiled by esbuild
 * (vite's own dependency), types stripped, nothing bundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, next) {
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const asJs = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(asJs))) {
      const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(asTs))) return { url: asTs.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { transformSync } = await import('esbuild');
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: fileURLToPath(url), sourcemap: 'inline' });
  return { format: 'module', source: code, shortCircuit: true };
}
