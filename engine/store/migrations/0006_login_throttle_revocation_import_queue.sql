CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` integer NOT NULL,
	`blocked_until` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_throttle_last_idx` ON `login_throttle` (`last_failure_at`);--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `node_id` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `spool_path` text;--> statement-breakpoint
CREATE INDEX `import_jobs_status_idx` ON `import_jobs` (`status`);--> statement-breakpoint
ALTER TABLE `users` ADD `auth_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `leads_import_job_idx` ON `leads` (`import_job_id`,`status`) WHERE "leads"."import_job_id" is not null;