export * from './settings.js';
export * from './lifecycle.js';
export * from './dial-string.js';
export { amdParamsFor, callPolicyFor, dialStringFor } from './policy.js';
