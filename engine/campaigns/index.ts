export * from './settings.js';
export * from './lifecycle.js';
export * from './dial-string.js';
