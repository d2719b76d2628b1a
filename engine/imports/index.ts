export { ImportQueue, ImportQueueFull, type ImportQueueOptions, type ImportSubmission } from './queue.js';
