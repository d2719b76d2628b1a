ALTER TABLE `import_jobs` ADD `node_id` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `spool_path` text;--> statement-breakpoint
CREATE INDEX `import_jobs_status_idx` ON `import_jobs` (`status`);--> statement-breakpoint
CREATE INDEX `leads_import_job_idx` ON `leads` (`import_job_id`,`status`) WHERE "leads"."import_job_id" is not null;