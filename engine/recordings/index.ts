/**
 * Recordings (README.md): the customer–agent bridge recorded through ARI, fetched, stored, transcoded for
 * browsers with waveform peaks, kept per campaign retention; the AMD window beside it.
 */
export { Recordings, RecordingError, lateRecordingAri, type RecordingAri, type RecordingsOptions, type RecordingsStatus } from './recordings.js';
export { RecordingQueue, backoffMs, DEFAULT_MAX_ATTEMPTS, type JobFailure, type JobHandler, type RecordingQueueOptions } from './queue.js';
export { CONTENT_TYPES, FfmpegError, MalformedAudioError, peaks, probe, transcode, type BrowserFormat, type ProbeResult } from './ffmpeg.js';
export { diskUsage, recordingPath, safeName, writeFileAtomic, describeFsError, type DiskUsage } from './files.js';
export { parseRange } from './range.js';
export { NODE_RECORDING_TOKEN_TTL_MS, nodeRecordingKey, signNodeRecordingToken, verifyNodeRecordingToken, type NodeRecordingAction, type NodeRecordingClaim } from './node-token.js';
export { nodeRecordingClient, NodeRecordingError, type NodeAddress, type NodeAudio, type NodeDirectory, type NodeRecordingClient, type NodeRecordingClientOptions } from './node-client.js';
