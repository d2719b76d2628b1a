import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `npm run dev:web` serves the app with hot reload and forwards the API, the live feed and /health to a running
 * product (CENTRALITA_URL, default http://127.0.0.1:8080). `npm start` serves the built `dist/` itself.
 */
const target = process.env.CENTRALITA_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    proxy: {
      '/api': { target, changeOrigin: true },
      '/health': { target, changeOrigin: true },
      '/openapi.json': { target, changeOrigin: true },
      '/socket.io': { target, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Mantine + Chart.js make a large vendor chunk; screens are split per route.
    chunkSizeWarningLimit: 1200,
  },
});
