import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

// Built into web/dist; the server serves /assets/* from there and index.html for the SPA routes.
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // No inline scripts or data: URLs, so a strict Content-Security-Policy (script-src 'self') holds.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
