/**
 * The browser app as the product serves and builds it: where `web/dist` is, the build-when-stale used by `npm start`
 * and `npm test`, the API payload types generated from /openapi.json, and the chromium helpers the screenshots
 * command, the wallboard benchmark and the browser tests share. The commands (`*-command.ts`) are loaded lazily by
 * app/cli.
 */
export { WEB_DIR, WEB_DIST, buildWeb, ensureWebBuilt, webBuildIsFresh, webSourceHash } from './build.js';
export { API_TYPES_FILE, apiDocument, renderApiTypes } from './api-types.js';
export { axeViolations, cspViolations, freePort, launchBrowser, loginUi, newPage, CHROMIUM, type AxeViolation } from './browser.js';
export { runWallboardBench, type WallboardBenchResult } from './wallboard-bench-command.js';
