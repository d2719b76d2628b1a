/**
 * Recordings (README.md): the customer–agent bridge recorded through ARI, fetched, stored, transcoded for
 * browsers with waveform peaks, kept per campaign retention; the AMD window beside it.
 */
export { Recordings, RecordingError, lateRecordingAri, type RecordingAri, type RecordingsOptions, type RecordingsStatus } from './recordings.js';
export { RecordingQueue, backoffMs, DEFAULT_MAX_ATTEMPTS, type JobFailure, type JobHandler, type RecordingQueueOptions } from './queue.js';
export { CONTENT_TYPES, FfmpegError, MalformedAudioError, peaks, probe, transcode, type BrowserFormat, type ProbeResult } from './ffmpeg.js';
export { diskUsage, recordingPath, safeName, writeFileAtomic, describeFsError, type DiskUsage } from './files.js';
