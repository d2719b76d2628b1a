CREATE TABLE `cluster_nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`ari_url` text NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`state` text NOT NULL,
	`calls` integer DEFAULT 0 NOT NULL,
	`agents` integer DEFAULT 0 NOT NULL,
	`down_at` integer,
	`reaped_by` text
);
--> statement-breakpoint
CREATE INDEX `cluster_nodes_state_heartbeat_idx` ON `cluster_nodes` (`state`,`heartbeat_at`);--> statement-breakpoint
ALTER TABLE `agents` ADD `node_id` text;--> statement-breakpoint
CREATE INDEX `agents_node_idx` ON `agents` (`node_id`);