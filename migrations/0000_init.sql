CREATE TABLE `backend_members` (
	`backend_id` text NOT NULL,
	`member_id` text NOT NULL,
	PRIMARY KEY(`backend_id`, `member_id`),
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `team_members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `backends` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`anonymous_key` text NOT NULL,
	`oauth_client_id` text NOT NULL,
	`oauth_client_secret_hash` text NOT NULL,
	`policies` text DEFAULT '{}' NOT NULL,
	`created_on` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `backends_name_unique` ON `backends` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `backends_anonymous_key_unique` ON `backends` (`anonymous_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `backends_oauth_client_id_unique` ON `backends` (`oauth_client_id`);--> statement-breakpoint
CREATE TABLE `client_profiles` (
	`client_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`provider` text NOT NULL,
	PRIMARY KEY(`client_id`, `profile_id`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `client_profiles_client_provider` ON `client_profiles` (`client_id`,`provider`);--> statement-breakpoint
CREATE TABLE `clients` (
	`id` text PRIMARY KEY NOT NULL,
	`backend_id` text NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`platform` text NOT NULL,
	`app_id` text NOT NULL,
	`versions` text DEFAULT '[]' NOT NULL,
	`created_on` integer NOT NULL,
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_backend_platform_app` ON `clients` (`backend_id`,`platform`,`app_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `clients_backend_name` ON `clients` (`backend_id`,`name`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`backend_id` text NOT NULL,
	`client_id` text NOT NULL,
	`provider` text NOT NULL,
	`token` text NOT NULL,
	`platform` text NOT NULL,
	`user` text,
	`app_version` text NOT NULL,
	`created_on` integer NOT NULL,
	`modified_on` integer NOT NULL,
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_backend_provider_token` ON `devices` (`backend_id`,`provider`,`token`);--> statement-breakpoint
CREATE INDEX `devices_backend_id` ON `devices` (`backend_id`,`id`);--> statement-breakpoint
CREATE INDEX `devices_backend_user` ON `devices` (`backend_id`,`user`);--> statement-breakpoint
CREATE INDEX `devices_backend_token` ON `devices` (`backend_id`,`token`);--> statement-breakpoint
CREATE TABLE `mobile_users` (
	`id` text PRIMARY KEY NOT NULL,
	`backend_id` text NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_on` integer NOT NULL,
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mobile_users_backend_username` ON `mobile_users` (`backend_id`,`username`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`backend_id` text NOT NULL,
	`request` text NOT NULL,
	`status` text NOT NULL,
	`tag` text,
	`send_on` integer,
	`created_on` integer NOT NULL,
	`processed_on` integer,
	`device_count` integer DEFAULT 0 NOT NULL,
	`success_count` integer DEFAULT 0 NOT NULL,
	`error_message` text,
	`platform_counts` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_backend_id` ON `notifications` (`backend_id`,`id`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`backend_id` text NOT NULL,
	`name` text NOT NULL,
	`provider` text NOT NULL,
	`app_id` text,
	`settings` text NOT NULL,
	`credentials` text NOT NULL,
	`fingerprint` text NOT NULL,
	`created_on` integer NOT NULL,
	`modified_on` integer NOT NULL,
	FOREIGN KEY (`backend_id`) REFERENCES `backends`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_backend_name` ON `profiles` (`backend_id`,`name`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_on` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `team_members_username_unique` ON `team_members` (`username`);