import type { ImportQueue } from '../../engine/imports/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import type { CampaignCatalog, LeadCatalog, LeadImports, Store } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';

/** What the campaign, lead, lock, import-job and DNC routes need. */
export interface LeadApiDeps {
  store: Store;
  /**
   * Where the lead routes (list, one lead, create/edit/delete, locks, history, selection, export) read and write
   * leads (#18): the SQLite store's repositories or PostgreSQL's `leads` (`ApiDeps.leadCatalog`).
   */
  leads: LeadCatalog;
  /** Where those routes look a campaign up (404, its default country): the campaign routes' port. */
  campaigns: CampaignCatalog;
  auth: AuthService;
  /** The running engine; absent → lifecycle, test-call and stats answer 503 engine_unavailable. */
  control?: EngineControl | undefined;
  logger: Logger;
  /** How long a contact lock holds (config LEAD_LOCK_MINUTES). */
  lockMinutes: number;
  /** Lead imports: queued, parsed in worker threads (engine/imports). */
  imports: ImportQueue;
  /**
   * Where imports write and the import-job routes read (#18): the database of `leads`. Undefined when the leads are
   * on PostgreSQL and the API was built without a PostgreSQL import port: the import routes answer 501.
   */
  leadImports?: LeadImports | undefined;
}
