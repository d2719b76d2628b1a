export { overallStatus, withRedisPing } from './health/index.js';
export type { HealthProbe, HealthReport } from './health/index.js';
export { createApiApp, type ApiDeps } from './app.js';
export { INITIAL_PASSWORD_FILE } from './auth/index.js';
export type { QueueStatsSource, RecorderControl } from './routes/index.js';
export { listen } from './server.js';
export type { FetchApp, RunningServer } from './server.js';
