CREATE TABLE "trunks" (
	"name" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"username" text,
	"password" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
