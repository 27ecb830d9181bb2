CREATE TABLE `deliveries` (
	`notification_id` integer NOT NULL,
	`device_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`recorded_on` integer NOT NULL,
	PRIMARY KEY(`notification_id`, `device_id`)
);
