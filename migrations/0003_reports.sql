CREATE TABLE `report_boards` (
	`board_id` text PRIMARY KEY NOT NULL,
	`estimation_statistic` text NOT NULL,
	`working_days` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_columns` (
	`board_id` text NOT NULL,
	`column_id` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`rank` text NOT NULL,
	`removed` integer NOT NULL,
	PRIMARY KEY(`board_id`, `column_id`)
);
--> statement-breakpoint
CREATE TABLE `report_estimates` (
	`board_id` text NOT NULL,
	`seq` integer NOT NULL,
	`key` text NOT NULL,
	`remaining_seconds` integer,
	`at` text NOT NULL,
	PRIMARY KEY(`board_id`, `seq`, `key`)
);
--> statement-breakpoint
CREATE TABLE `report_scope_changes` (
	`board_id` text NOT NULL,
	`sprint_id` text NOT NULL,
	`seq` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`points` real,
	`previous_points` real,
	`at` text NOT NULL,
	PRIMARY KEY(`board_id`, `sprint_id`, `seq`, `key`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `report_sprints` (
	`board_id` text NOT NULL,
	`sprint_id` text NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`state` text NOT NULL,
	`start_date` text,
	`end_date` text,
	`started_at` text,
	`completed_at` text,
	`report` text,
	PRIMARY KEY(`board_id`, `sprint_id`)
);
--> statement-breakpoint
CREATE TABLE `report_tasks` (
	`board_id` text NOT NULL,
	`key` text NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`parent_key` text,
	`sprint_id` text,
	`column_id` text NOT NULL,
	`story_points` real,
	`original_estimate_seconds` integer,
	`remaining_estimate_seconds` integer,
	`created_at` text NOT NULL,
	`resolved_at` text,
	`archived` integer NOT NULL,
	PRIMARY KEY(`board_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `report_tasks_by_resolved` ON `report_tasks` (`board_id`,`resolved_at`);--> statement-breakpoint
CREATE TABLE `report_transitions` (
	`board_id` text NOT NULL,
	`seq` integer NOT NULL,
	`key` text NOT NULL,
	`from_column` text,
	`to_column` text,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	PRIMARY KEY(`board_id`, `seq`, `key`)
);
--> statement-breakpoint
CREATE INDEX `report_transitions_by_at` ON `report_transitions` (`board_id`,`at`);--> statement-breakpoint
CREATE TABLE `report_worklogs` (
	`board_id` text NOT NULL,
	`worklog_id` text NOT NULL,
	`key` text NOT NULL,
	`author_id` text NOT NULL,
	`started_at` text NOT NULL,
	`seconds` integer NOT NULL,
	PRIMARY KEY(`board_id`, `worklog_id`)
);
--> statement-breakpoint
CREATE INDEX `report_worklogs_by_author` ON `report_worklogs` (`author_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `report_worklogs_by_board` ON `report_worklogs` (`board_id`,`started_at`);