import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts. Run from the repo root:
//   npx drizzle-kit generate --config engine/store/drizzle-pg.config.ts --name <name>
// after changing schema-pg/ (which must follow every change of schema/: test/unit/store/pg-schema-drift.test.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './engine/store/schema-pg/*.ts',
  out: './engine/store/migrations-pg',
});
