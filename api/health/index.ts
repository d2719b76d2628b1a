/** What GET /health reports (`HealthReport`), its overall status rule and the Redis ping added to it. */
export { dbHealth, overallStatus, withRedisPing, type HealthProbe, type HealthReport } from './report.js';
