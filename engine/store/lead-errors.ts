/**
 * An edit gave a lead a number another lead of its campaign has (the unique index refused it): the route checks
 * first, so this is the race where another edit or a node's write took the number in between. The API answers 409.
 */
export class LeadPhoneTaken extends Error {
  constructor(readonly phoneE164: string) {
    super(`another lead of this campaign already has ${phoneE164}`);
    this.name = 'LeadPhoneTaken';
  }
}

/** The unique index on (campaign_id, phone_e164) refused a write, on either dialect (drizzle wraps the driver's error). */
export function isLeadPhoneClash(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const x = e as { code?: string; constraint?: string; message: string };
    if (x.code === '23505' && x.constraint === 'leads_campaign_phone_uq') return true;
    if (/UNIQUE constraint failed: leads\.campaign_id, leads\.phone_e164/.test(x.message)) return true;
  }
  return false;
}
