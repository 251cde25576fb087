// Builds the dashboard to dist/, which the sonde server serves at `/`.
// Preact's JSX goes through Vite's own transformer (no Babel); CodeMirror is
// split into its own chunk, loaded only when Explore opens.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 500,
  },
  server: {
    proxy: { '/api': process.env.SONDE_URL ?? 'http://127.0.0.1:9977' },
  },
});
