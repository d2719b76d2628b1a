export { ApiError, errorBody, toErrorResponse } from './errors.js';
export type { ApiEnv } from './env.js';
export { jsonBody, jsonResponse, protectedRoute, publicRoute } from './route.js';
export { issuesToDetails, validationHook } from './validation.js';
export { clientIp } from './client-ip.js';
export { requireControl, toApiError, viaControl } from './control.js';
export { HttpRequestCounter } from './request-metrics.js';
export { mountDocs } from './docs.js';
export { authenticate, requirePermission } from './auth-middleware.js';
