CREATE TABLE `recording_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`run_at` integer NOT NULL,
	`last_error` text,
	`node_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recording_jobs_due_idx` ON `recording_jobs` (`state`,`run_at`);--> statement-breakpoint
CREATE INDEX `recording_jobs_call_idx` ON `recording_jobs` (`call_id`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`call_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`campaign_id` text,
	`agent_id` text,
	`bridge_id` text,
	`state` text NOT NULL,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`duration_ms` integer,
	`wav_path` text,
	`wav_bytes` integer,
	`encoded_path` text,
	`encoded_format` text,
	`encoded_bytes` integer,
	`peaks` text,
	`peaks_per_second` integer,
	`pauses` text DEFAULT '[]' NOT NULL,
	`amd_wav_path` text,
	`amd_trace` text,
	`deleted_at` integer,
	`deleted_by` text,
	`node_id` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recordings_state_idx` ON `recordings` (`state`);--> statement-breakpoint
CREATE INDEX `recordings_campaign_started_idx` ON `recordings` (`campaign_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `recordings_started_idx` ON `recordings` (`started_at`);--> statement-breakpoint
CREATE TABLE `qa_scorecards` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`criteria` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `qa_scores` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`scorecard_id` text NOT NULL,
	`reviewer_id` text NOT NULL,
	`answers` text NOT NULL,
	`criterion_notes` text DEFAULT '{}' NOT NULL,
	`notes` text,
	`percent` real NOT NULL,
	`agent_id` text,
	`campaign_id` text,
	`call_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qa_scores_call_card_reviewer_idx` ON `qa_scores` (`call_id`,`scorecard_id`,`reviewer_id`);--> statement-breakpoint
CREATE INDEX `qa_scores_agent_idx` ON `qa_scores` (`agent_id`,`call_at`);--> statement-breakpoint
CREATE INDEX `qa_scores_campaign_idx` ON `qa_scores` (`campaign_id`,`call_at`);--> statement-breakpoint
ALTER TABLE `campaigns` ADD `recording_retention_days` integer DEFAULT 90 NOT NULL;