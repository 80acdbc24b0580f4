import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompressPlugin } from '../server/tools/precompress.ts';

const API = 'http://localhost:3000';

// The client is served by the API server in production (same origin, strict CSP); in development
// Vite serves it and forwards the API, the socket and the health checks to a locally running server.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), precompressPlugin()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // .vite/manifest.json: which chunks each page needs (npm run bench:assets reads it).
    manifest: true,
  },
  server: {
    proxy: {
      '/api': API,
      '/socket.io': { target: API, ws: true },
      '/healthz': API,
      '/readyz': API,
    },
  },
});
