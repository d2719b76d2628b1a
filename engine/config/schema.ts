import { isValidTimeZone } from '../leads/index.js';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
/** 0 asks the OS for a free port (tests, several instances on one host). */
const listenPort = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    })
    .refine((v) => v === undefined || URL.canParse(v), { message: 'is not a valid URL' });

/** Every setting Centralita reads from its environment. `.env.example` documents each one. */
export const configSchema = z
  .object({
    ARI_URL: optionalUrl(['http://', 'https://']),
    ARI_USERNAME: z.string().min(1).default('centralita'),
    ARI_PASSWORD: z.string().optional(),
    ARI_APP: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'may hold only letters, digits, "_", "." and "-"')
      .default('centralita'),
    HTTP_HOST: z.string().min(1).default('0.0.0.0'),
    HTTP_PORT: listenPort.default(8080),
    DB_PATH: z.string().min(1).default('data/centralita.db'),
    RTP_HOST: z.string().min(1).default('127.0.0.1'),
    RTP_PORT_MIN: port.default(40000),
    RTP_PORT_MAX: port.default(40999),
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    /** Where recordings are kept; default: `recordings/` beside DB_PATH (data/recordings with the default DB_PATH). */
    RECORDINGS_DIR: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    /** Asterisk's recording spool when this host shares it (e.g. /var/spool/asterisk/recording): files are read there instead of fetched over ARI. */
    RECORDINGS_SPOOL: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    /** Browser format of recordings: Opus in Ogg or WebM, or MP3. */
    RECORDINGS_FORMAT: z.enum(['ogg', 'webm', 'mp3']).default('ogg'),
    /** Recording jobs (fetch, transcode) run at once at most. */
    RECORDINGS_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NODE_ID: z.string().min(1).default('node-1'),
    /** Minutes a contact lock (a user editing a lead) holds without renewal. */
    LEAD_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
    /** IANA zone of reports and dashboards: where "today" and day/hour buckets begin (requests may pass ?tz=). */
    REPORT_TIME_ZONE: z.string().refine(isValidTimeZone, { message: 'is not an IANA time zone' }).default('UTC'),
    /**
     * The engine's own queue_log (one queue per campaign, agents by name) for queue reporting tools. Unset:
     * `queue_log` beside DB_PATH; `off`: not written.
     */
    QUEUE_LOG_FILE: z.string().min(1).optional(),
    /** A queue_log to follow live for /api/queues (Asterisk's /var/log/asterisk/queue_log); unset: the engine's own. */
    QUEUE_LOG_SOURCE: z.string().min(1).optional(),
    /** Asterisk's queues.conf, read for each queue's `servicelevel`. */
    QUEUES_CONF: z.string().min(1).optional(),
    /** Service levels (seconds) of queues queues.conf does not give: `sales=20,support=30,*=25`. */
    QUEUE_SERVICE_LEVELS: z
      .string()
      .regex(/^\s*([^=,]+=\d+\s*(,\s*[^=,]+=\d+\s*)*)?$/, 'is not a list of queue=seconds (e.g. sales=20,*=30)')
      .default(''),
    SIM_SEED: z.coerce.number().int().default(1),
    /**
     * The embedded PBX only (no ARI_URL): a pacing scenario, by name (engine/pacing/scenarios) or path to its JSON,
     * whose callees the numbers +1777nnnnnnn play: lead n's fate (person, machine, busy, no answer; ring and talk
     * times) drawn from the scenario's distributions with SIM_SEED, with audio the AMD judges. Unset: only the
     * scripted ranges (engine/sim/README.md).
     */
    SIM_SCENARIO: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    /** Folder of SQLite online backups. Absent: no scheduled backups (`centralita backup` still takes one). */
    BACKUP_DIR: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v)),
    /** Minutes between scheduled backups (with BACKUP_DIR). */
    BACKUP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
    /** Backups older than this many days are deleted after each new one. */
    BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
    /**
     * On SIGTERM/SIGINT: seconds live calls may take to finish after dialling stops; then they are hung up. The
     * process exits within this plus a few seconds of clean-up, whatever state ARI is in.
     */
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(8),
    /** HMAC key for API access tokens. Absent: a random one per process (tokens die with the process). */
    JWT_SECRET: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters' }),
    /**
     * Key for secrets Centralita keeps at rest and must give back (trunk passwords, AES-256-GCM; engine/store/
     * secret-box.ts). Absent: JWT_SECRET is used; neither set: trunk passwords cannot be stored. Changing it makes
     * stored passwords unreadable (enter them again).
     */
    SECRETS_KEY: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters' }),
    /** Password for the admin user created on first start. Absent: a random one, printed once. */
    ADMIN_PASSWORD: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || v.length >= 12, { message: 'must be at least 12 characters' }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.RTP_PORT_MIN > cfg.RTP_PORT_MAX) {
      ctx.addIssue({ code: 'custom', path: ['RTP_PORT_MIN'], message: 'must not be greater than RTP_PORT_MAX' });
    }
    if (cfg.ARI_URL && !cfg.ARI_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['ARI_PASSWORD'], message: 'is required when ARI_URL is set' });
    }
  });

export type Config = z.output<typeof configSchema>;
