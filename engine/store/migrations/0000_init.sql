CREATE TABLE `agent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` text NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`reason` text,
	`call_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agent_events_agent_at_idx` ON `agent_events` (`agent_id`,`at`);--> statement-breakpoint
CREATE INDEX `agent_events_at_idx` ON `agent_events` (`at`);--> statement-breakpoint
CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`endpoint` text NOT NULL,
	`concurrency` integer DEFAULT 1 NOT NULL,
	`team` text,
	`user_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agents_user_idx` ON `agents` (`user_id`);--> statement-breakpoint
CREATE INDEX `agents_team_idx` ON `agents` (`team`);--> statement-breakpoint
CREATE TABLE `call_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'dialer' NOT NULL,
	`campaign_id` text,
	`lead_id` text,
	`phone` text NOT NULL,
	`agent_id` text,
	`user_id` text,
	`channel_id` text,
	`agent_channel_id` text,
	`bridge_id` text,
	`stage` text DEFAULT 'created' NOT NULL,
	`created_at` integer NOT NULL,
	`ringing_at` integer,
	`answered_at` integer,
	`amd_at` integer,
	`bridged_at` integer,
	`ended_at` integer,
	`ring_ms` integer,
	`talk_ms` integer,
	`total_ms` integer,
	`disposition` text,
	`hangup_cause` integer,
	`dial_status` text,
	`amd_status` text,
	`amd_cause` text,
	`amd_decision_ms` integer,
	`amd_treated_as` text,
	`safe_harbor_played` integer DEFAULT false NOT NULL,
	`voicemail_left` integer DEFAULT false NOT NULL,
	`recording_ref` text,
	`notes` text,
	`node_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `call_logs_campaign_created_idx` ON `call_logs` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `call_logs_agent_created_idx` ON `call_logs` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `call_logs_user_created_idx` ON `call_logs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `call_logs_created_idx` ON `call_logs` (`created_at`);--> statement-breakpoint
CREATE INDEX `call_logs_disposition_idx` ON `call_logs` (`campaign_id`,`disposition`);--> statement-breakpoint
CREATE INDEX `call_logs_lead_idx` ON `call_logs` (`lead_id`);--> statement-breakpoint
CREATE INDEX `call_logs_open_idx` ON `call_logs` (`ended_at`,`node_id`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`dial_mode` text NOT NULL,
	`dial_ratio` real DEFAULT 1 NOT NULL,
	`max_concurrent` integer NOT NULL,
	`dial_string_template` text NOT NULL,
	`caller_id` text,
	`ring_timeout_s` integer NOT NULL,
	`calling_hours_start` text NOT NULL,
	`calling_hours_end` text NOT NULL,
	`weekdays` text NOT NULL,
	`default_time_zone` text NOT NULL,
	`default_country` text NOT NULL,
	`max_attempts` integer NOT NULL,
	`retry_delays` text NOT NULL,
	`amd` text NOT NULL,
	`machine_action` text NOT NULL,
	`notsure_policy` text NOT NULL,
	`safe_harbor_message` text NOT NULL,
	`voicemail_message` text,
	`wrap_up_s` integer NOT NULL,
	`drop_target` real NOT NULL,
	`recording` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dnc` (
	`phone_e164` text NOT NULL,
	`campaign_id` text DEFAULT '' NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dnc_phone_campaign_uq` ON `dnc` (`phone_e164`,`campaign_id`);--> statement-breakpoint
CREATE INDEX `dnc_campaign_idx` ON `dnc` (`campaign_id`);--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`file_name` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`total` integer,
	`processed` integer DEFAULT 0 NOT NULL,
	`accepted` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `import_jobs_campaign_idx` ON `import_jobs` (`campaign_id`);--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`phone_e164` text NOT NULL,
	`phone_raw` text NOT NULL,
	`name` text,
	`city` text,
	`email` text,
	`time_zone` text,
	`priority` integer DEFAULT 3 NOT NULL,
	`custom` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'no_selected' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_attempt_at` integer,
	`last_disposition` text,
	`next_due_at` integer,
	`last_error` text,
	`synthetic` integer DEFAULT false NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`import_job_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_campaign_phone_uq` ON `leads` (`campaign_id`,`phone_e164`);--> statement-breakpoint
CREATE INDEX `leads_hopper_idx` ON `leads` (`campaign_id`,`time_zone`,`priority`,`next_due_at`) WHERE "leads"."next_due_at" is not null;--> statement-breakpoint
CREATE INDEX `leads_campaign_status_idx` ON `leads` (`campaign_id`,`status`);