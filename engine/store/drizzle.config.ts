import { defineConfig } from 'drizzle-kit';

// Run from the repo root: npx drizzle-kit generate --config engine/store/drizzle.config.ts
export default defineConfig({
  dialect: 'sqlite',
  schema: './engine/store/schema/*.ts',
  out: './engine/store/migrations',
});
