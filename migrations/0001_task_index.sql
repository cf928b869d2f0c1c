CREATE TABLE `projection_checkpoints` (
	`board_id` text NOT NULL,
	`projection` text NOT NULL,
	`seq` integer NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`board_id`, `projection`)
);
--> statement-breakpoint
CREATE TABLE `task_index` (
	`board_id` text NOT NULL,
	`key` text NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`column_id` text NOT NULL,
	`column_name` text NOT NULL,
	`status` text NOT NULL,
	`assignee_id` text,
	`reporter_id` text NOT NULL,
	`priority` text NOT NULL,
	`labels` text NOT NULL,
	`sprint_id` text,
	`due_date` text,
	`archived` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`resolved_at` text,
	`seq` integer NOT NULL,
	PRIMARY KEY(`board_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `task_index_by_assignee` ON `task_index` (`assignee_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `task_index_by_updated` ON `task_index` (`updated_at`);