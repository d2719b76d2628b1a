export type { LeadApiDeps } from './deps.js';
export { assertMayRead, isFromOwnCall, isManager, lockedBody, mustGetLead } from './access.js';
export { LeadIdParam, LeadSchema, LockSchema, LockedSchema, publicLead } from './schemas.js';
export { isUploadRoute, uploadRoute } from './upload.js';
