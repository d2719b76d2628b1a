ALTER TABLE `call_logs` ADD `interruption` text;--> statement-breakpoint
ALTER TABLE `call_logs` ADD `alive_at` integer;