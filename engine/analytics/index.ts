/**
 * queue_log analytics (issue #16): a pure streaming parser of Asterisk's queue_log (both layouts), the grouping
 * into queue calls and agent sessions, the metrics, the sources (files, rotated .gz, folders, a live tail that
 * survives rotation, truncation and restarts) and the writer the engine uses for its own campaigns.
 */
export { QUEUE_LOG_EVENTS, CALL_OUTCOMES, EVENT_LABELS, isKnownEvent, type QueueLogEventName, type CallOutcome } from './events.js';
export { QueueLogParser, dataCount, dataField, dataInt, type QueueLogEvent, type MalformedLine, type ParserCounts, type ParserOptions } from './parser.js';
export { QueueLogAggregator, AGGREGATOR_STATE_VERSION, isWaiting, type QueueCall, type AgentInterval, type AggregatorState, type Bucket, type QueueDay, type AgentDay } from './aggregate.js';
export { computeMetrics, round2, type DayRange, type QueueMetrics, type AgentMetrics, type QueueLogMetrics } from './metrics.js';
export { QueueLogAnalysis, reportJson, type AnalysisOptions, type QueueLogResult, type MalformedEntry } from './analysis.js';
export { LocalTime } from './local-time.js';
export { parseQueuesConf, parseServiceLevelList, serviceLevelResolver, DEFAULT_SERVICE_LEVEL_S, type QueuesConf } from './queues-conf.js';
export { readQueueLogFile, readQueueLogFolder, rotatedFiles, streamFile } from './sources/read-file.js';
export { QueueLogTail, type TailCheckpoint, type TailOptions, type TailStatus } from './sources/tail.js';
export { CampaignQueueLog, formatQueueLogLine, type QueueLogNames } from './writer.js';
export { QueueLogFile, type QueueLogFileStatus } from './queue-log-file.js';
export { writeQueueReportXlsx, reportLabels, activeBucket, formatDuration, type ReportLang } from './xlsx-report.js';
