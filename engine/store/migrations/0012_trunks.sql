CREATE TABLE `trunks` (
	`name` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`username` text,
	`password` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
