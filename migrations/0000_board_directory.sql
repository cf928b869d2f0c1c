CREATE TABLE `boards` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key` text NOT NULL,
	`mode` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `boards_key_unique` ON `boards` (`key`);--> statement-breakpoint
CREATE INDEX `boards_by_creator` ON `boards` (`created_by`);