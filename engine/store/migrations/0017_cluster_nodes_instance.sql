ALTER TABLE `cluster_nodes` ADD `instance_id` text;--> statement-breakpoint
ALTER TABLE `cluster_nodes` ADD `host` text;--> statement-breakpoint
ALTER TABLE `cluster_nodes` ADD `pid` integer;