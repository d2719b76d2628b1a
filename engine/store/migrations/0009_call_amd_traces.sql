CREATE TABLE `call_amd_traces` (
	`call_id` text PRIMARY KEY NOT NULL,
	`trace` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `call_logs`(`id`) ON UPDATE no action ON DELETE cascade
);
