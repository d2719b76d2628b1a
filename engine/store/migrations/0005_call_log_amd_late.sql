ALTER TABLE `call_logs` ADD `amd_late_cause` text;--> statement-breakpoint
ALTER TABLE `call_logs` ADD `amd_late_decision_ms` integer;--> statement-breakpoint
ALTER TABLE `call_logs` ADD `amd_late_at` integer;