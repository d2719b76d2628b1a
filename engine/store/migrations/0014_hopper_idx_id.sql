DROP INDEX `leads_hopper_idx`;--> statement-breakpoint
CREATE INDEX `leads_hopper_idx` ON `leads` (`campaign_id`,`time_zone`,`priority`,`next_due_at`,`id`) WHERE "leads"."next_due_at" is not null;