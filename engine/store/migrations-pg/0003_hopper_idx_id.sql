DROP INDEX "leads_hopper_idx";--> statement-breakpoint
DROP INDEX "leads_hopper_free_idx";--> statement-breakpoint
CREATE INDEX "leads_hopper_idx" ON "leads" USING btree ("campaign_id","time_zone","priority","next_due_at","id") WHERE "leads"."next_due_at" is not null;--> statement-breakpoint
CREATE INDEX "leads_hopper_free_idx" ON "leads" USING btree ("campaign_id","time_zone","priority","next_due_at","id" collate "C") WHERE "leads"."next_due_at" is not null and "leads"."lease_owner" is null;