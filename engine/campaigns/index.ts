export * from './settings.js';
export * from './lifecycle.js';
export * from './dial-string.js';
export { amdParamsFor, callPolicyFor, campaignLoadProblem, dialStringFor } from './policy.js';
