CREATE TABLE `lead_locks` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`username` text NOT NULL,
	`acquired_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lead_locks_user_idx` ON `lead_locks` (`user_id`);--> statement-breakpoint
CREATE TABLE `lead_history` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`at` integer NOT NULL,
	`user_id` text,
	`username` text,
	`field` text NOT NULL,
	`old_value` text,
	`new_value` text,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lead_history_lead_at_idx` ON `lead_history` (`lead_id`,`at`);--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `message` text;