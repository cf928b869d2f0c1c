CREATE TABLE `report_generations` (
	`board_id` text PRIMARY KEY NOT NULL,
	`rows_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_transitions_by_key` ON `report_transitions` (`board_id`,`key`,`seq`);