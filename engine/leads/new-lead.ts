/** A lead to add to a campaign (import, API, demo data); the store's LeadRepo.insertMany takes these. */
export interface NewLead {
  campaignId: string;
  phoneE164: string;
  phoneRaw: string;
  name?: string | null;
  city?: string | null;
  email?: string | null;
  timeZone?: string | null;
  /** 1 (most urgent) … 5; default 3. */
  priority?: number;
  custom?: Record<string, unknown>;
  synthetic?: boolean;
  importJobId?: string | null;
  /** First time the lead may be dialed; default: at insertion. */
  nextDueAt?: number;
}
