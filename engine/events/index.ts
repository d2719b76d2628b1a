export * from './types.js';
export { DomainEvents } from './emitter.js';
