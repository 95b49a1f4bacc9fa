// The console is a static bundle served by the Function App at /api/console/ (relative base).
// JSX is Preact's, compiled by Vite's own esbuild step; no CDN: everything is bundled.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: true },
});
