CREATE TABLE `queue_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`node_id` text NOT NULL,
	`seq` integer NOT NULL,
	`time` integer NOT NULL,
	`callid` text NOT NULL,
	`queuename` text NOT NULL,
	`agent` text NOT NULL,
	`event` text NOT NULL,
	`data1` text,
	`data2` text,
	`data3` text,
	`data4` text,
	`data5` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queue_log_node_seq_idx` ON `queue_log` (`node_id`,`seq`);