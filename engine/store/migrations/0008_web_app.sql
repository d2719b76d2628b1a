ALTER TABLE `call_logs` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `call_logs` ADD `hangup_by` text;--> statement-breakpoint
ALTER TABLE `users` ADD `must_change_password` integer DEFAULT false NOT NULL;